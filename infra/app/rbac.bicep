// Every role assignment of the deployment, least privilege, each with the reason it exists.
// Names are guid(scope, principal, role) so that a re-deployment updates the same assignment instead of failing
// with RoleAssignmentExists, and two environments in one resource group never collide.
// No Owner, Contributor or User Access Administrator anywhere (a test checks the compiled template).

param storageAccountName string
param requestsQueueName string
param resultsQueueName string
param requestsPoisonQueueName string
param workspaceName string
param applicationInsightsName string
param keyVaultName string
param signingKeyCurrentSecretName string
param signingKeyPreviousSecretName string

@description('Principal (object) id of the Function App\'s user-assigned identity.')
param appPrincipalId string

@description('Principal (object) id of the hybrid worker\'s identity (Azure Arc machine identity or a service principal); empty: none.')
param hybridWorkerPrincipalId string = ''

@description('Let the hybrid worker read the two signing-key secrets (it verifies every request with them).')
param hybridWorkerReadsSigningKeys bool = true

@description('Principal id of the person or pipeline running the deployment (AZURE_PRINCIPAL_ID); empty: none.')
param deployerPrincipalId string = ''

@description('Automation account of the optional Azure Automation back end; empty when not deployed.')
param automationAccountName string = ''

// Built-in role definition ids (the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageQueueDataMessageProcessor: '8a0f0c08-91a1-4084-bc3d-661d67233fed'
  storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  logAnalyticsReader: '73c42c96-874c-492b-b04d-ab87d138a893'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  automationJobOperator: '4fe576fe-1146-4730-92eb-48519fa6bf9f'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource queueServices 'queueServices' existing = {
    name: 'default'

    resource requestsQueue 'queues' existing = {
      name: requestsQueueName
    }

    resource resultsQueue 'queues' existing = {
      name: resultsQueueName
    }

    resource requestsPoisonQueue 'queues' existing = {
      name: requestsPoisonQueueName
    }
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName

  resource signingKeyCurrent 'secrets' existing = {
    name: signingKeyCurrentSecretName
  }

  resource signingKeyPrevious 'secrets' existing = {
    name: signingKeyPreviousSecretName
  }
}

resource automationAccount 'Microsoft.Automation/automationAccounts@2023-11-01' existing = if (!empty(automationAccountName)) {
  name: automationAccountName
}

// --- The Function App ------------------------------------------------------------------------------------------

// Storage Blob Data Owner on the account: the Functions host keeps its keys and timer/singleton leases in blob
// containers it creates itself (azure-webjobs-secrets, azure-webjobs-hosts), and Flex Consumption reads the app
// package from the deployment container with this identity. The Functions documentation (and the azd Flex
// quickstarts) name Owner rather than Contributor for identity-based AzureWebJobsStorage, because the host's
// blob leases need it. Blob data only: no control over the account itself.
resource appBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Functions host keys and leases, Flex deployment package (blob data only).'
  }
}

// Storage Queue Data Contributor on the account: the app sends runbook requests, triggers on the results and
// inbound queues, and the host moves failed messages to the -poison queues.
resource appQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Send runbook requests, consume results and inbound events, poison handling.'
  }
}

// Storage Table Data Contributor on the account: the Incidents, Ledger, Checkpoints and Alerts tables.
resource appTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Incidents, Ledger, Checkpoints and Alerts tables.'
  }
}

// Log Analytics Reader on the workspace: PollEventLog and ReceiveAlert query the Event table. Read only.
resource appLogAnalyticsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, appPrincipalId, roles.logAnalyticsReader)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.logAnalyticsReader)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Query the Event table (poll and alert follow-up).'
  }
}

// Key Vault Secrets User on the vault: resolve the Key Vault references in the app settings. Read secret values only.
resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Resolve Key Vault references (signing keys, Teams webhook URL).'
  }
}

// Monitoring Metrics Publisher on Application Insights: the component accepts only Entra ID-authenticated
// telemetry (local auth off), so the app's identity must be allowed to publish to it. Write telemetry only.
resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Send telemetry to Application Insights with Entra ID (local auth is off).'
  }
}

// Automation Job Operator on the Automation account (optional back end): start jobs on the Hybrid Runbook Worker
// group and read their status and streams. It cannot edit runbooks or the account.
resource appAutomationJobOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(automationAccountName)) {
  name: guid(automationAccount.id, appPrincipalId, roles.automationJobOperator)
  scope: automationAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.automationJobOperator)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Start and follow runbook jobs on the Hybrid Runbook Worker group.'
  }
}

// --- The hybrid worker (on-premises) ---------------------------------------------------------------------------

// The requests queue needs three operations: Get Messages and Delete Message (messages/process/action) and Update
// Message, which renews a message's visibility while its runbook runs (messages/write). The built-in Storage Queue
// Data Message Processor has messages/read and messages/process/action only, so every renewal would be refused (403)
// and a long runbook's request would reappear mid-run; Storage Queue Data Contributor adds Clear Messages
// (messages/delete) and queue delete/metadata writes. Hence a custom role with exactly the two data actions used.
// messages/write also admits Put Message; requests are HMAC-signed, so anything the worker could add is refused.
var workerRequestProcessorRoleName = guid(resourceGroup().id, storageAccountName, 'imapauto-hybrid-worker-request-processor')

resource workerRequestProcessorRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (!empty(hybridWorkerPrincipalId)) {
  name: workerRequestProcessorRoleName
  properties: {
    roleName: 'ImapAutomation hybrid worker request processor (${storageAccountName})'
    description: 'Receive, renew the visibility of, and delete queue messages (Get Messages, Update Message, Delete Message); nothing else.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action'
          'Microsoft.Storage/storageAccounts/queueServices/queues/messages/write'
        ]
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

// Assigned on the requests queue only: the worker cannot touch any other queue's messages with it.
resource workerRequestsProcessor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(hybridWorkerPrincipalId)) {
  name: guid(storage::queueServices::requestsQueue.id, hybridWorkerPrincipalId, workerRequestProcessorRoleName)
  scope: storage::queueServices::requestsQueue
  properties: {
    roleDefinitionId: workerRequestProcessorRole.id
    principalId: hybridWorkerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Hybrid worker: receive, renew and delete runbook requests.'
  }
}

// Storage Queue Data Message Sender on the results queue only: post results. It cannot read or delete results.
resource workerResultsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(hybridWorkerPrincipalId)) {
  name: guid(storage::queueServices::resultsQueue.id, hybridWorkerPrincipalId, roles.storageQueueDataMessageSender)
  scope: storage::queueServices::resultsQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataMessageSender)
    principalId: hybridWorkerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Hybrid worker: post runbook results.'
  }
}

// Storage Queue Data Message Sender on the requests poison queue only: a request the worker cannot even read
// is parked there (with the reason) instead of being retried forever or silently dropped.
resource workerRequestsPoisonSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(hybridWorkerPrincipalId)) {
  name: guid(storage::queueServices::requestsPoisonQueue.id, hybridWorkerPrincipalId, roles.storageQueueDataMessageSender)
  scope: storage::queueServices::requestsPoisonQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataMessageSender)
    principalId: hybridWorkerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Hybrid worker: park unreadable requests.'
  }
}

// Monitoring Metrics Publisher on the Application Insights component: the worker exports its logs, traces and
// metrics there when APPLICATIONINSIGHTS_CONNECTION_STRING is set (local auth is off, so it signs in). Write only.
resource workerTelemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(hybridWorkerPrincipalId)) {
  name: guid(applicationInsights.id, hybridWorkerPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: hybridWorkerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Hybrid worker: send telemetry to Application Insights with Entra ID (local auth is off).'
  }
}

// Key Vault Secrets User on the two signing-key secrets only (not the vault): the worker verifies every request's
// HMAC with the current or previous key, and reading them from the vault makes rotation a vault operation.
resource workerSigningKeyCurrentUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(hybridWorkerPrincipalId) && hybridWorkerReadsSigningKeys) {
  name: guid(vault::signingKeyCurrent.id, hybridWorkerPrincipalId, roles.keyVaultSecretsUser)
  scope: vault::signingKeyCurrent
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: hybridWorkerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Hybrid worker: verify request signatures (current key).'
  }
}

resource workerSigningKeyPreviousUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(hybridWorkerPrincipalId) && hybridWorkerReadsSigningKeys) {
  name: guid(vault::signingKeyPrevious.id, hybridWorkerPrincipalId, roles.keyVaultSecretsUser)
  scope: vault::signingKeyPrevious
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: hybridWorkerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Hybrid worker: verify request signatures (previous key).'
  }
}

// --- The deployer ----------------------------------------------------------------------------------------------

// Key Vault Secrets Officer on the vault for whoever runs azd: azd reads the signing keys back on every provision
// (secretOrRandomPassword in main.parameters.json) and operators rotate keys and store the Teams URL. Secrets only:
// no keys, certificates or vault settings.
resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: deployerPrincipalId
    description: 'Deployer: read back and rotate the signing keys, store the Teams webhook URL.'
  }
}
