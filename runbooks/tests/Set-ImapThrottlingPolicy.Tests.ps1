BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $runbook = Get-RunbookPath 'Set-ImapThrottlingPolicy'
    $budgets = 'ImapMaxConcurrency', 'ImapMaxBurst', 'ImapRechargeRate', 'ImapCutoffBalance', 'CPAMaxConcurrency'
}

Describe 'Set-ImapThrottlingPolicy' {
    BeforeEach { Use-LabFixture broken | Out-Null }

    It 'sets the five IMAP and CPA budgets of NPUMAdminPolicy to Unlimited' {
        $result = & $runbook

        $result.changed | Should -BeTrue
        $result.before.ImapMaxConcurrency | Should -Be '20'
        $policy = Get-ThrottlingPolicy NPUMAdminPolicy
        foreach ($budget in $budgets) { $policy.$budget | Should -Be 'Unlimited' -Because $budget }
        (Get-Messages $result) | Should -Match 'ImapMaxBurst 3600000 -> Unlimited'
    }

    It 'sets only the budgets that are not yet Unlimited' {
        & $runbook | Out-Null
        Set-ThrottlingPolicy NPUMAdminPolicy -ImapMaxBurst 1000
        Clear-ExchangeLabCallLog

        $result = & $runbook

        $call = @(Get-LabChangeCalls)
        $call.Count | Should -Be 1
        @($call[0].Parameters.Keys | Where-Object { $_ -ne 'Identity' }) | Should -Be @('ImapMaxBurst')
        $result.changed | Should -BeTrue
    }

    It 'leaves the other policies alone' {
        & $runbook | Out-Null

        (Get-ThrottlingPolicy | Where-Object Name -like 'GlobalThrottlingPolicy*').ImapMaxConcurrency | Should -Be '20'
    }

    It 'is a no-op when the budgets are already Unlimited' {
        Use-LabFixture healthy | Out-Null
        $result = Invoke-WithoutChange { & $runbook }

        (Get-Messages $result) | Should -Match 'already Unlimited'
    }

    It 'changes nothing under -WhatIf and reports the planned change' {
        $result = Invoke-WithoutChange { & $runbook -WhatIf }

        (Get-Messages $result) | Should -Match 'would set .*ImapMaxConcurrency 20 -> Unlimited'
        $result.after.ImapMaxConcurrency | Should -Be '20'
    }

    It 'fails on a policy that does not exist rather than creating one' {
        $hash = Get-LabHash

        { & $runbook -Identity 'NoSuchPolicy' } | Should -Throw "*'NoSuchPolicy' couldn't be found*"
        Get-LabHash | Should -Be $hash
    }

    It 'rejects the policy name <Case> before any cmdlet runs' -ForEach @(
        @{ Case = 'with a command after a semicolon'; Value = 'NPUMAdminPolicy; Remove-ThrottlingPolicy Default' }
        @{ Case = 'a subexpression'; Value = '$(Remove-Item -WhatIf sentinel.txt)' }
        @{ Case = 'of 10 KB'; Value = 'N' * 10240 }
        @{ Case = 'with a wildcard'; Value = 'NPUM*' }
        @{ Case = 'empty'; Value = '' }
    ) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Identity = $Value }
    }
}
