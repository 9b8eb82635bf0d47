@{
    RootModule        = 'ExchangeLab.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = '6f0a4c57-1d0b-4a4e-9a3f-2f3b0a7e5d11'
    Author            = 'ImapAutomation'
    Description       = 'A stand-in for the Exchange Management Shell cmdlets the ImapAutomation runbooks use, over a JSON state file.'
    PowerShellVersion = '7.4'
    FunctionsToExport = @(
        'Set-ExchangeLabState', 'Get-ExchangeLabState', 'Get-ExchangeLabCallLog', 'Clear-ExchangeLabCallLog', 'ConvertTo-LabByteCount',
        'Get-ExchangeServer', 'Get-AcceptedDomain', 'Get-TransportAgent', 'Get-DomainController', 'Get-ReceiveConnector',
        'Get-ImapSettings', 'Set-ImapSettings', 'Get-ThrottlingPolicy', 'Set-ThrottlingPolicy',
        'Get-ExchangeCertificate', 'Enable-ExchangeCertificate', 'Get-ServerComponentState',
        'Get-ExchangeHostService', 'Restart-ExchangeHostService', 'Get-ExchangeHostRegistryValue', 'Set-ExchangeHostRegistryValue', 'Test-ExchangeHostPort'
    )
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
