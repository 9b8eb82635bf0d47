// The storage account behind the app: its queues and tables (names from ImapAutomation.Core.Catalog.StorageNames),
// the Functions host's blobs, and the container Flex Consumption deploys the app package from.
// Shared keys are off: every caller (app, hybrid worker, deployer) authenticates with Entra ID.

param name string
param location string
param tags object = {}

@description('Queues to create (StorageNames.Queues).')
param queueNames array

@description('Tables to create (StorageNames.Tables).')
param tableNames array

@description('Blob container Flex Consumption reads the app package from.')
param deploymentContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
    // The hybrid worker reaches the queues from on-premises over the internet (HTTPS + Entra ID); put the account
    // behind private endpoints and a VNet-integrated app if your network policy requires it.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobServices 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource queueServices 'queueServices' = {
    name: 'default'

    resource queues 'queues' = [
      for queueName in queueNames: {
        name: queueName
      }
    ]
  }

  resource tableServices 'tableServices' = {
    name: 'default'

    resource tables 'tables' = [
      for tableName in tableNames: {
        name: tableName
      }
    ]
  }
}

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
