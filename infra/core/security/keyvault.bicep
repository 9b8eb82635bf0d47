// Key Vault in RBAC mode (no access policies): the app reads its secrets through Key Vault references in its
// app settings with its user-assigned identity (Key Vault Secrets User, see rbac.bicep).
// Secrets are written only when a value is given, so a provision without values never overwrites a key that was
// rotated in the vault (docs/deploy.md, "Rotating the signing keys").

param name string
param location string
param tags object = {}

@description('Purge protection keeps deleted secrets recoverable for the retention period; it cannot be turned off again.')
param enablePurgeProtection bool = true

@description('Secret names (ImapAutomation.Core.Catalog.SecretNames).')
param signingKeyCurrentSecretName string
param signingKeyPreviousSecretName string
param teamsWorkflowUrlSecretName string

@secure()
@description('HMAC key that signs runbook requests. Empty: leave the secret as it is.')
param signingKeyCurrent string = ''

@secure()
@description('The key before the last rotation; verifiers still accept it. Empty: leave the secret as it is.')
param signingKeyPrevious string = ''

@secure()
@description('The Teams Workflows webhook URL. Empty: leave the secret as it is (set it after creating the workflow).')
param teamsWorkflowUrl string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    // ARM template deployments and disk encryption never read these secrets.
    enabledForDeployment: false
    enabledForTemplateDeployment: false
    enabledForDiskEncryption: false
    publicNetworkAccess: 'Enabled'
  }
}

resource signingKeyCurrentSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(signingKeyCurrent)) {
  parent: vault
  name: signingKeyCurrentSecretName
  properties: {
    value: signingKeyCurrent
    contentType: 'HMAC-SHA256 key'
  }
}

resource signingKeyPreviousSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(signingKeyPrevious)) {
  parent: vault
  name: signingKeyPreviousSecretName
  properties: {
    value: signingKeyPrevious
    contentType: 'HMAC-SHA256 key'
  }
}

resource teamsWorkflowUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(teamsWorkflowUrl)) {
  parent: vault
  name: teamsWorkflowUrlSecretName
  properties: {
    value: teamsWorkflowUrl
    contentType: 'Teams Workflows webhook URL'
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
