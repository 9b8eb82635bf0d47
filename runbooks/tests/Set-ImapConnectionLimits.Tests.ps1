BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $runbook = Get-RunbookPath 'Set-ImapConnectionLimits'
}

Describe 'Set-ImapConnectionLimits' {
    BeforeEach { Use-LabFixture broken | Out-Null }

    It 'raises MaxConnectionsPerUser from 16 to 200000 on the broken server' {
        $result = & $runbook -Server ex01

        $result.changed | Should -BeTrue
        $result.before.MaxConnectionsPerUser | Should -Be 16
        $result.after.MaxConnectionsPerUser | Should -Be 200000
        (Get-ImapSettings -Server ex01).MaxConnectionsPerUser | Should -Be 200000
        (Get-Messages $result) | Should -Match 'MaxConnectionsPerUser 16 -> 200000'
    }

    It 'puts the other limits back to Exchange defaults in the same call' {
        Set-ImapSettings -Server ex01 -MaxCommandSize 16384 -MaxConnections 500
        Clear-ExchangeLabCallLog

        $result = & $runbook -Server ex01

        $settings = Get-ImapSettings -Server ex01
        $settings.MaxCommandSize | Should -Be 10240
        $settings.MaxConnections | Should -Be 2147483647
        $settings.MaxConnectionFromSingleIP | Should -Be 2147483647
        @(Get-LabChangeCalls).Count | Should -Be 1
        (Get-Messages $result) | Should -Match 'MaxCommandSize 16384 -> 10240'
    }

    It 'is a no-op on a server whose limits are already right' {
        $result = Invoke-WithoutChange { & $runbook -Server ex02 }

        (Get-Messages $result) | Should -Match 'nothing to change'
    }

    It 'changes nothing under -WhatIf and reports the planned change' {
        $result = Invoke-WithoutChange { & $runbook -Server ex01 -WhatIf }

        (Get-Messages $result) | Should -Match 'would set MaxConnectionsPerUser 16 -> 200000'
        $result.after.MaxConnectionsPerUser | Should -Be 16
    }

    It 'rejects a server name with <Case> before any cmdlet runs' -ForEach (Get-HostileServerCases) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = $Value }
    }

    It 'rejects <Name> <Value> before any cmdlet runs' -ForEach @(
        @{ Name = 'MaxConnectionsPerUser'; Value = 0 }
        @{ Name = 'MaxConnectionsPerUser'; Value = -1 }
        @{ Name = 'MaxConnectionsPerUser'; Value = 2147483648 }
        @{ Name = 'MaxConnectionsPerUser'; Value = '200000; Restart-Computer' }
        @{ Name = 'MaxConnections'; Value = 0 }
        @{ Name = 'MaxConnectionFromSingleIP'; Value = -5 }
        @{ Name = 'MaxCommandSize'; Value = 1023 }
        @{ Name = 'MaxCommandSize'; Value = 16385 }
    ) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = 'ex01'; $Name = $Value }
    }
}
