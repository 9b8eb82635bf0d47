// The Function App on the Flex Consumption plan (Linux, scale to zero, per-function scaling), running the
// isolated-worker .NET app in src/ImapAutomation.Functions. Everything it reaches, it reaches with its
// user-assigned identity: host storage, queues and tables, Log Analytics, Key Vault references.
// App setting names are the constants of ImapAutomation.Core.Catalog.SettingNames (a test checks them).
// Flex Consumption rejects the old FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION / WEBSITE_RUN_FROM_PACKAGE
// settings: the runtime and the package location live in functionAppConfig instead.

param name string
param location string
param tags object = {}

@description('The azd service name in azure.yaml; azd finds the app to deploy to by this tag.')
param serviceName string = 'functions'

param planName string
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string
param applicationInsightsName string
param workspaceCustomerId string
param keyVaultName string
param signingKeyCurrentSecretName string
param signingKeyPreviousSecretName string
param teamsWorkflowUrlSecretName string

@description('FQDNs of the Exchange servers this deployment acts on, separated by commas.')
param exchangeServers string

@description('NCRONTAB schedule of PollEventLog.')
param pollSchedule string

@description('NCRONTAB schedule of TickIncidents: request time-outs, waiting incidents, and outbox (requests, Teams cards) redelivery.')
param tickSchedule string = '0 * * * * *'

@description('Client id of the Entra ID app registration for App Service authentication; empty leaves it off, and then the app refuses identity headers, so nobody can approve.')
param authClientId string = ''

@description('The optional Azure Automation back end; empty when not deployed.')
param automationAccountId string = ''
param automationHybridWorkerGroup string = ''

// Flex Consumption accepts dotnet-isolated '8.0', '9.0' and '10.0' (with the ".0": '10' is accepted by ARM but the
// host never starts). The project targets net10.0.
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param runtimeVersion string = '10.0'

@description('Instance memory; Flex Consumption offers 512, 2048 and 4096 MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound on scale-out; the work is one server at a time, so a storm needs few instances. Flex allows 40 to 1000.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity (the default would be a system identity it has not).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }

  // No publishing with user names and passwords: azd deploys with Entra ID to the deployment container.
  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }

  // App Service authentication signs approvers in and strips forged X-MS-CLIENT-PRINCIPAL* headers; the app trusts
  // those headers only with it on (WEBSITE_AUTH_ENABLED). Anonymous callers still pass: function keys (alert webhooks,
  // event posts) and the signed approval links are checked by the app itself.
  resource authSettings 'config' = if (!empty(authClientId)) {
    name: 'authsettingsV2'
    properties: {
      platform: {
        enabled: true
      }
      globalValidation: {
        requireAuthentication: false
        unauthenticatedClientAction: 'AllowAnonymous'
      }
      identityProviders: {
        azureActiveDirectory: {
          enabled: true
          registration: {
            clientId: authClientId
            openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          }
        }
      }
      login: {
        tokenStore: {
          enabled: false
        }
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // The Functions host's storage: keys and timer leases in blobs. Identity-based, no connection string.
      AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
      AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
      AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      // The app's own queues and tables (the "Storage" connection).
      Storage__queueServiceUri: storageQueueEndpoint
      Storage__tableServiceUri: storageTableEndpoint
      Storage__credential: 'managedidentity'
      Storage__clientId: identityClientId
      AZURE_CLIENT_ID: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
      LogAnalytics__WorkspaceId: workspaceCustomerId
      PollSchedule: pollSchedule
      TickSchedule: tickSchedule
      // The allow-list of servers (events, runbook targets). Signing key ids are derived from the keys (RunbookSigning).
      Functions__ServerList: exchangeServers
      // Card links (approval page, incident JSON) point at the app itself, and only allowed hosts may appear on a card.
      Functions__PublicBaseUrl: 'https://${site.properties.defaultHostName}'
      Cards__AllowedLinkHosts__1: site.properties.defaultHostName
      // Secrets stay in Key Vault; the platform resolves these references (latest version) with the identity above.
      RunbookSigning__CurrentKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${signingKeyCurrentSecretName})'
      RunbookSigning__PreviousKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${signingKeyPreviousSecretName})'
      Teams__WebhookUrl: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${teamsWorkflowUrlSecretName})'
      Automation__AccountResourceId: automationAccountId
      Automation__HybridWorkerGroup: automationHybridWorkerGroup
    }
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
