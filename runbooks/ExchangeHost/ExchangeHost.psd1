@{
    RootModule        = 'ExchangeHost.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = '0c3f7d2e-8a41-4c7b-b5f9-4e1d2a6c9b30'
    Author            = 'ImapAutomation'
    Description       = 'Service, registry and port operations on Exchange servers for the ImapAutomation runbooks (production counterpart of the lab).'
    PowerShellVersion = '5.1'
    FunctionsToExport = @('Get-ExchangeHostService', 'Restart-ExchangeHostService', 'Get-ExchangeHostRegistryValue', 'Set-ExchangeHostRegistryValue', 'Test-ExchangeHostPort')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
