BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $runbook = Get-RunbookPath 'Disable-ImapNtlm'
}

Describe 'Disable-ImapNtlm' {
    BeforeEach { Use-LabFixture broken | Out-Null }

    It 'turns GSSAPI and NTLM off on the broken server' {
        $result = & $runbook -Server ex01

        $result.changed | Should -BeTrue
        $result.before.EnableGSSAPIAndNTLMAuth | Should -BeTrue
        $result.after.EnableGSSAPIAndNTLMAuth | Should -BeFalse
        (Get-ImapSettings -Server ex01).EnableGSSAPIAndNTLMAuth | Should -BeFalse
        (Get-Messages $result) | Should -Match 'True -> False'
    }

    It 'is a no-op on a server where NTLM is already off' {
        $result = Invoke-WithoutChange { & $runbook -Server ex02 }

        (Get-Messages $result) | Should -Match 'nothing to change'
    }

    It 'changes nothing under -WhatIf and reports the planned change' {
        $result = Invoke-WithoutChange { & $runbook -Server ex01 -WhatIf }

        (Get-Messages $result) | Should -Match 'would run Set-ImapSettings -EnableGSSAPIAndNTLMAuth \$false'
        $result.after.EnableGSSAPIAndNTLMAuth | Should -BeTrue
    }

    It 'fails on a server Exchange does not know, changing nothing' {
        $hash = Get-LabHash
        { & $runbook -Server ex09 } | Should -Throw "*'ex09' couldn't be found*"
        Get-LabHash | Should -Be $hash
    }

    It 'rejects a server name with <Case> before any cmdlet runs' -ForEach (Get-HostileServerCases) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = $Value }
    }
}
