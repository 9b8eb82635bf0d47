// Associates the Data Collection Rule with one Azure Arc-enabled Exchange server. Deployed into the machine's own
// resource group, which may be in another subscription than the rest of the system. The Azure Monitor Windows
// Agent extension must be on the machine (docs/deploy.md installs it; an Arc policy may already do so): it needs
// the machine's region, which a template cannot read from an existing resource before the deployment starts.

@description('Name of the Microsoft.HybridCompute/machines resource.')
param machineName string

param dataCollectionRuleId string

resource machine 'Microsoft.HybridCompute/machines@2024-07-10' existing = {
  name: machineName
}

resource association 'Microsoft.Insights/dataCollectionRuleAssociations@2023-03-11' = {
  name: 'imapautomation-signals'
  scope: machine
  properties: {
    description: 'Sends the IMAP/TLS signals of this Exchange server to ImapAutomation.'
    dataCollectionRuleId: dataCollectionRuleId
  }
}
