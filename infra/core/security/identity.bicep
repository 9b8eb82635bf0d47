// The Function App's user-assigned identity. It is created before the app so that its role assignments exist
// when the app first starts (a system-assigned identity would only exist after the app, racing its first start).

@description('Name of the user-assigned identity.')
param name string

param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
