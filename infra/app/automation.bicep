// Optional: an Azure Automation account with a Hybrid Runbook Worker group, for shops that run the runbooks
// through Azure Automation instead of the ImapAutomation hybrid worker service. Workers join the group with the
// Hybrid Worker extension on their Arc machines (docs/deploy.md); the catalog's runbooks are imported separately.

param name string
param location string
param tags object = {}
param hybridWorkerGroupName string

resource account 'Microsoft.Automation/automationAccounts@2023-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'Basic'
    }
    // Runbooks authenticate as the account's identity, never with account keys.
    disableLocalAuth: true
    publicNetworkAccess: true
  }
}

resource group 'Microsoft.Automation/automationAccounts/hybridRunbookWorkerGroups@2023-11-01' = {
  parent: account
  name: hybridWorkerGroupName
}

output id string = account.id
output name string = account.name
output hybridWorkerGroupName string = group.name
