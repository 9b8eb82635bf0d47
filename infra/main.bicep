// ImapAutomation on Azure: what `azd up` creates, in one resource group.
//
//   user-assigned identity ─┬─► Function App (Flex Consumption, .NET 10 isolated)
//                           │     ├─ Storage (no shared keys): queues, tables, host blobs, deployment container
//                           │     ├─ Key Vault (RBAC): signing keys, Teams webhook URL, read through references
//                           │     └─ Log Analytics / Application Insights (Entra ID auth only)
//   Exchange servers (Arc) ──► Data Collection Rule ──► Event table ──► log search alerts ──► ReceiveAlert
//   hybrid worker identity ──► requests queue (receive/delete), results queue (send), nothing else
//
// Names of queues, tables, app settings and secrets are the constants of ImapAutomation.Core.Catalog
// (StorageNames, SettingNames, SecretNames); tests/ImapAutomation.Infra.Tests checks the compiled template.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; it seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource. Flex Consumption is not offered everywhere: check `az functionapp list-flexconsumption-locations`.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group to create or update; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Principal id of whoever runs the deployment (azd sets AZURE_PRINCIPAL_ID); gets Key Vault Secrets Officer.')
param principalId string = ''

// A comma-separated string rather than an array: azd passes environment values into main.parameters.json as
// strings and converts only booleans and numbers, so an array parameter could not be set with `azd env set`.
@description('Azure Arc machine resource ids of the Exchange servers whose events are collected, separated by commas.')
param exchangeArcMachineIds string = ''

@minLength(1)
@description('FQDNs of the Exchange servers this deployment acts on, separated by commas (Functions:ServerList): events of other computers are rejected and no runbook targets another server.')
param exchangeServers string

@description('Principal (object) id of the hybrid worker\'s identity: the Arc machine identity of its server or a service principal.')
param hybridWorkerPrincipalId string = ''

@description('Let the hybrid worker read the signing-key secrets to verify requests.')
param hybridWorkerReadsSigningKeys bool = true

@description('Also deploy an Azure Automation account with a Hybrid Runbook Worker group (the alternative back end).')
param deployAutomation bool = false

@description('Name of the Hybrid Runbook Worker group when deployAutomation is true.')
param automationHybridWorkerGroupName string = 'exchange-imap'

@description('Client id of the Entra ID app registration for App Service authentication (docs/deploy.md); empty leaves it off and nobody can approve.')
param authClientId string = ''

@description('NCRONTAB schedule of PollEventLog (the safety net behind the alerts).')
param pollSchedule string = '0 */5 * * * *'

@description('Key Vault purge protection; turn off only for throw-away environments (azd down --purge).')
param keyVaultPurgeProtection bool = true

@secure()
@description('HMAC key that signs runbook requests; azd reads it back from the vault (or generates one) on each provision.')
param runbookSigningKeyCurrent string = ''

@secure()
@description('The key before the last rotation.')
param runbookSigningKeyPrevious string = ''

@secure()
@description('Teams Workflows webhook URL; usually stored straight in the vault instead (docs/deploy.md).')
param teamsWorkflowUrl string = ''

// Names: ImapAutomation.Core.Catalog.StorageNames / SecretNames, written out so the compiled template shows them.
var storageNames = {
  requestsQueue: 'runbook-requests'
  resultsQueue: 'runbook-results'
  requestsPoisonQueue: 'runbook-requests-poison'
}
// The poison queues are created up front: then no identity needs the right to create queues at run time.
var queueNames = [
  'runbook-requests'
  'runbook-results'
  'inbound-events'
  'runbook-requests-poison'
  'runbook-results-poison'
  'inbound-events-poison'
]
var tableNames = [
  'Incidents'
  'Ledger'
  'Checkpoints'
  'Alerts'
]
var secretNames = {
  signingKeyCurrent: 'runbook-signing-key-current'
  signingKeyPrevious: 'runbook-signing-key-previous'
  teamsWorkflowUrl: 'teams-workflow-url'
}

var arcMachineIds = filter(map(split(exchangeArcMachineIds, ','), id => trim(id)), id => !empty(id))

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'imapautomation'
}
var functionAppName = 'func-imapauto-${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'core/security/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-imapauto-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-imapauto-${resourceToken}'
    applicationInsightsName: 'appi-imapauto-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'stimapauto${resourceToken}'
    location: location
    tags: tags
    queueNames: queueNames
    tableNames: tableNames
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'core/security/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-imapauto-${resourceToken}'
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    signingKeyCurrentSecretName: secretNames.signingKeyCurrent
    signingKeyPreviousSecretName: secretNames.signingKeyPrevious
    teamsWorkflowUrlSecretName: secretNames.teamsWorkflowUrl
    signingKeyCurrent: runbookSigningKeyCurrent
    signingKeyPrevious: runbookSigningKeyPrevious
    teamsWorkflowUrl: teamsWorkflowUrl
  }
}

module automation 'app/automation.bicep' = if (deployAutomation) {
  name: 'automation'
  scope: rg
  params: {
    name: 'aa-imapauto-${resourceToken}'
    location: location
    tags: tags
    hybridWorkerGroupName: automationHybridWorkerGroupName
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    requestsQueueName: storageNames.requestsQueue
    resultsQueueName: storageNames.resultsQueue
    requestsPoisonQueueName: storageNames.requestsPoisonQueue
    workspaceName: monitoring.outputs.workspaceName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    signingKeyCurrentSecretName: secretNames.signingKeyCurrent
    signingKeyPreviousSecretName: secretNames.signingKeyPrevious
    appPrincipalId: identity.outputs.principalId
    hybridWorkerPrincipalId: hybridWorkerPrincipalId
    hybridWorkerReadsSigningKeys: hybridWorkerReadsSigningKeys
    deployerPrincipalId: principalId
    automationAccountName: deployAutomation ? automation!.outputs.name : ''
  }
}

module functions 'app/functions.bicep' = {
  name: 'functions'
  scope: rg
  // The app starts reading storage and Key Vault at once; its roles must exist first.
  dependsOn: [
    rbac
  ]
  params: {
    name: functionAppName
    location: location
    tags: tags
    planName: 'plan-imapauto-${resourceToken}'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    workspaceCustomerId: monitoring.outputs.workspaceCustomerId
    keyVaultName: keyVault.outputs.name
    signingKeyCurrentSecretName: secretNames.signingKeyCurrent
    signingKeyPreviousSecretName: secretNames.signingKeyPrevious
    teamsWorkflowUrlSecretName: secretNames.teamsWorkflowUrl
    pollSchedule: pollSchedule
    exchangeServers: exchangeServers
    authClientId: authClientId
    automationAccountId: deployAutomation ? automation!.outputs.id : ''
    automationHybridWorkerGroup: deployAutomation ? automation!.outputs.hybridWorkerGroupName : ''
  }
}

module eventCollection 'app/event-collection.bicep' = {
  name: 'event-collection'
  scope: rg
  params: {
    name: 'dcr-imapauto-${resourceToken}'
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
  }
}

// One association per Exchange server, in the machine's own subscription and resource group:
// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines/{name}
module associations 'app/dcr-association.bicep' = [
  for (machineId, i) in arcMachineIds: {
    name: 'dcr-association-${i}'
    scope: resourceGroup(split(machineId, '/')[2], split(machineId, '/')[4])
    params: {
      machineName: last(split(machineId, '/'))
      dataCollectionRuleId: eventCollection.outputs.id
    }
  }
]

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    functionAppName: functions.outputs.name
    actionGroupName: 'ag-imapauto-${resourceToken}'
  }
}

// What azd stores in .azure/<env>/.env; names only, endpoints and ids: nothing here is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = functions.outputs.name
output SERVICE_FUNCTIONS_NAME string = functions.outputs.name
output SERVICE_FUNCTIONS_URI string = 'https://${functions.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.workspaceCustomerId
output DATA_COLLECTION_RULE_ID string = eventCollection.outputs.id
output AUTOMATION_ACCOUNT_NAME string = deployAutomation ? automation!.outputs.name : ''
