BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $runbook = Get-RunbookPath 'Set-StoreSessionLimits'
    $key = 'HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem'
    $names = 'Maximum Allowed Sessions Per User', 'Maximum Allowed Service Sessions Per User'
}

Describe 'Set-StoreSessionLimits' {
    BeforeEach { Use-LabFixture broken | Out-Null }

    It 'creates both DWORDs with 0x2048 on the broken server' {
        $result = & $runbook -Server ex01

        $result.changed | Should -BeTrue
        foreach ($name in $names) {
            $result.before.$name | Should -BeNullOrEmpty
            $result.after.$name | Should -Be 0x2048
            $value = Get-ExchangeHostRegistryValue -Server ex01 -Path $key -Name $name
            $value.Value | Should -Be 8264
            $value.Type | Should -Be 'DWord'
        }
    }

    It 'creates the ParametersSystem key when it is missing' {
        Edit-LabState { param($s) (Get-LabServerState $s 'EX01')['registry'] = @{} }

        & $runbook -Server ex01 | Out-Null

        (Get-ExchangeHostRegistryValue -Server ex01 -Path $key -Name $names[0]).Value | Should -Be 0x2048
    }

    It 'corrects only the value that is wrong' {
        & $runbook -Server ex01 | Out-Null
        Set-ExchangeHostRegistryValue -Server ex01 -Path $key -Name $names[1] -Value 32
        Clear-ExchangeLabCallLog

        $result = & $runbook -Server ex01

        $calls = @(Get-LabChangeCalls)
        $calls.Count | Should -Be 1
        $calls[0].Parameters.Name | Should -Be $names[1]
        (Get-Messages $result) | Should -Match "'Maximum Allowed Service Sessions Per User' 0x20 -> 0x2048"
    }

    It 'is a no-op when both values are already right' {
        $result = Invoke-WithoutChange { & $runbook -Server ex02 }
    }

    It 'changes nothing under -WhatIf and reports the planned change' {
        $result = Invoke-WithoutChange { & $runbook -Server ex01 -WhatIf }

        (Get-Messages $result) | Should -Match "would set 'Maximum Allowed Sessions Per User' absent -> 0x2048"
    }

    It 'rejects a server name with <Case> before any cmdlet runs' -ForEach (Get-HostileServerCases) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = $Value }
    }

    It 'rejects <Name> <Value> before any cmdlet runs' -ForEach @(
        @{ Name = 'MaximumAllowedSessionsPerUser'; Value = 0 }
        @{ Name = 'MaximumAllowedSessionsPerUser'; Value = -1 }
        @{ Name = 'MaximumAllowedSessionsPerUser'; Value = 65536 }
        @{ Name = 'MaximumAllowedServiceSessionsPerUser'; Value = 4294967296 }
        @{ Name = 'MaximumAllowedServiceSessionsPerUser'; Value = '0x2048; Restart-Computer' }
    ) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = 'ex01'; $Name = $Value }
    }
}
