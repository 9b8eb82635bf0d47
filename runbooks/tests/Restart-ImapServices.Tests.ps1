BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $runbook = Get-RunbookPath 'Restart-ImapServices'
    $names = 'MSExchangeIMAP4', 'MSExchangeIMAP4BE'

    function Set-ComponentState([string] $Component, [string] $State) {
        Edit-LabState {
            param($s)
            @((Get-LabServerState $s 'EX01')['componentStates'] | Where-Object { $_['Component'] -eq $Component })[0]['State'] = $State
        }
    }
}

Describe 'Restart-ImapServices' {
    BeforeEach { Use-LabFixture broken | Out-Null }

    It 'restarts the front end and back end when the back end is stopped' {
        $result = & $runbook -Server ex01

        $result.changed | Should -BeTrue
        @($result.before | Where-Object Name -eq 'MSExchangeIMAP4BE').Status | Should -Be 'Stopped'
        foreach ($service in Get-ExchangeHostService -Server ex01 -Name $names) { $service.Status | Should -Be 'Running' }
        $calls = @(Get-LabChangeCalls)
        $calls.Count | Should -Be 1
        $calls[0].Parameters.Name | Should -Be @('MSExchangeIMAP4BE', 'MSExchangeIMAP4')
    }

    It 'restarts when the IMAP settings changed after the services started' {
        Set-ImapSettings -Server ex02 -MaxConnectionsPerUser 300000
        Clear-ExchangeLabCallLog

        $result = & $runbook -Server ex02

        $result.changed | Should -BeTrue
        (Get-Messages $result) | Should -Match 'settings changed at .* after MSExchangeIMAP4'
        foreach ($service in $result.after) { $service.StartTime | Should -BeGreaterThan (Get-ImapSettings -Server ex02).WhenChangedUTC }
    }

    It 'is a no-op when the services run with the current settings' {
        $result = Invoke-WithoutChange { & $runbook -Server ex02 }

        (Get-Messages $result) | Should -Match 'nothing to restart'
    }

    It 'restarts anyway with -Force' {
        $result = & $runbook -Server ex02 -Force

        $result.changed | Should -BeTrue
        @(Get-LabChangeCalls).Count | Should -Be 1
    }

    It 'refuses while Managed Availability has <Component> <State>, changing nothing' -ForEach @(
        @{ Component = 'ImapProxy'; State = 'Inactive' }
        @{ Component = 'ImapProxy'; State = 'Draining' }
        @{ Component = 'ServerWideOffline'; State = 'Inactive' }
    ) {
        Set-ComponentState $Component $State
        $hash = Get-LabHash

        { & $runbook -Server ex01 -Force } | Should -Throw -ExpectedMessage "*refusing to restart*$Component is $State*"
        Get-LabChangeCalls | Should -BeNullOrEmpty
        Get-LabHash | Should -Be $hash
    }

    It 'fails when a service cannot start, saying which' {
        Edit-LabState { param($s) @((Get-LabServerState $s 'EX01')['services'])[1]['StartType'] = 'Disabled' }

        { & $runbook -Server ex01 } | Should -Throw -ExpectedMessage '*MSExchangeIMAP4BE*disabled*'
    }

    It 'changes nothing under -WhatIf and reports the planned restart' {
        $result = Invoke-WithoutChange { & $runbook -Server ex01 -WhatIf }

        (Get-Messages $result) | Should -Match 'would restart MSExchangeIMAP4BE, MSExchangeIMAP4 because MSExchangeIMAP4BE is Stopped'
    }

    It 'rejects a server name with <Case> before any cmdlet runs' -ForEach (Get-HostileServerCases) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = $Value }
    }
}
