// The Data Collection Rule that makes the Azure Monitor Agent on each Exchange server send the IMAP/TLS signals
// to the workspace's Event table (stream Microsoft-Event). XPath filters run on the server, so only these events
// leave it: Schannel 36888 from System, and the MSExchangeIMAP4 / MSExchangeIMAP4BE events from Application
// (1102 SslConnectionNotStarted, 2007 SslCertificateNotFound, 1009 UserExceededNumberOfConnections,
// 1101 MaxConnectionCountExceeded, 1103 MaxConnectionsFromSingleIpExceeded).

param name string
param location string
param tags object = {}
param workspaceId string

// Written out in full (no string building) so that operators read exactly what the agent is asked to collect,
// and the infra tests compare them with the signals the code parses.
var xPathQueries = [
  'System!*[System[Provider[@Name=\'Schannel\'] and (EventID=36888)]]'
  'Application!*[System[Provider[@Name=\'MSExchangeIMAP4\'] and (EventID=1102 or EventID=2007 or EventID=1009 or EventID=1101 or EventID=1103)]]'
  'Application!*[System[Provider[@Name=\'MSExchangeIMAP4BE\'] and (EventID=1102 or EventID=2007 or EventID=1009 or EventID=1101 or EventID=1103)]]'
]

resource rule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: name
  location: location
  tags: tags
  kind: 'Windows'
  properties: {
    description: 'Exchange IMAP/TLS signals for ImapAutomation.'
    dataSources: {
      windowsEventLogs: [
        {
          name: 'imapTlsSignals'
          streams: [
            'Microsoft-Event'
          ]
          xPathQueries: xPathQueries
        }
      ]
    }
    destinations: {
      logAnalytics: [
        {
          name: 'workspace'
          workspaceResourceId: workspaceId
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          'Microsoft-Event'
        ]
        destinations: [
          'workspace'
        ]
      }
    ]
  }
}

output id string = rule.id
output xPathQueries array = xPathQueries
