// Log search alerts: one scheduled query rule per signal, split by Computer so that each Exchange server fires
// (and resolves) on its own, all notifying one action group whose webhook is ReceiveAlert with the common alert
// schema. ReceiveAlert deduplicates (the webhook fires on Fired and on Resolved, and action groups do not
// rate-limit) and follows linkToFilteredSearchResultsAPI for the rows.
// The function key is read here with listKeys and goes straight into the action group: it is never a parameter,
// never an output, so it appears in no deployment's inputs or outputs.

param location string
param tags object = {}
param workspaceId string
param functionAppName string
param actionGroupName string

@description('How often each rule runs, and the window it looks at (ISO 8601; 1, 5, 10 or 15 minutes).')
param evaluationFrequency string = 'PT5M'

param windowSize string = 'PT5M'

// name: the rule; kind: the IncidentKind it feeds; threshold: events per window per server that fire it.
var signals = [
  {
    name: 'tls-handshake-failure'
    kind: 'TlsHandshakeFailure'
    description: 'Schannel 36888 (fatal TLS alert sent) on an Exchange server.'
    severity: 2
    threshold: 10
    query: 'Event\n| where EventLog == "System" and Source == "Schannel" and EventID == 36888\n| project TimeGenerated, Computer, EventID'
  }
  {
    name: 'imap-certificate-binding'
    kind: 'ImapCertificateBinding'
    description: 'MSExchangeIMAP4 1102 / 2007: IMAP has no usable TLS certificate (clients get "BYE Connection is closed. 14").'
    severity: 1
    threshold: 1
    query: 'Event\n| where EventLog == "Application" and Source in ("MSExchangeIMAP4", "MSExchangeIMAP4BE") and EventID in (1102, 2007)\n| project TimeGenerated, Computer, EventID'
  }
  {
    name: 'imap-connection-limit'
    kind: 'ImapConnectionLimit'
    description: 'MSExchangeIMAP4 1009 / 1101 / 1103: IMAP connection limits reached.'
    severity: 2
    threshold: 5
    query: 'Event\n| where EventLog == "Application" and Source in ("MSExchangeIMAP4", "MSExchangeIMAP4BE") and EventID in (1009, 1101, 1103)\n| project TimeGenerated, Computer, EventID'
  }
]

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'imapauto'
    enabled: true
    webhookReceivers: [
      {
        name: 'ReceiveAlert'
        serviceUri: 'https://${site.properties.defaultHostName}/api/alerts?code=${listKeys('${site.id}/host/default', site.apiVersion).functionKeys.default}'
        useCommonAlertSchema: true
      }
    ]
  }
}

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for signal in signals: {
    name: 'imapauto-${signal.name}'
    location: location
    tags: union(tags, { 'imapauto-incident-kind': signal.kind })
    kind: 'LogAlert'
    properties: {
      displayName: 'ImapAutomation: ${signal.name}'
      description: signal.description
      severity: signal.severity
      enabled: true
      scopes: [
        workspaceId
      ]
      evaluationFrequency: evaluationFrequency
      windowSize: windowSize
      criteria: {
        allOf: [
          {
            query: signal.query
            timeAggregation: 'Count'
            // One alert per server: the dimension is what ReceiveAlert reads to know which server fired.
            dimensions: [
              {
                name: 'Computer'
                operator: 'Include'
                values: [
                  '*'
                ]
              }
            ]
            operator: 'GreaterThanOrEqual'
            threshold: signal.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      // Resolved notifications let ReceiveAlert record on the incident that the storm stopped.
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
output ruleNames array = [for (signal, i) in signals: rules[i].name]
