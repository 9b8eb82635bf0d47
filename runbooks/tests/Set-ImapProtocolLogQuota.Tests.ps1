BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $runbook = Get-RunbookPath 'Set-ImapProtocolLogQuota'
}

Describe 'Set-ImapProtocolLogQuota' {
    BeforeEach { Use-LabFixture broken | Out-Null }

    It 'sets the quota to 10MB on the broken server' {
        $result = & $runbook -Server ex01

        $result.changed | Should -BeTrue
        $result.before.LogPerFileSizeQuota | Should -Be '0 B (0 bytes)'
        $result.after.LogPerFileSizeQuota | Should -Be '10 MB (10,485,760 bytes)'
        (Get-ImapSettings -Server ex01).LogPerFileSizeQuota | Should -Be '10 MB (10,485,760 bytes)'
    }


    It 'sets <Value> as <Expected>' -ForEach @(
        @{ Value = '20MB'; Expected = '20 MB (20,971,520 bytes)' }
        @{ Value = '1 GB'; Expected = '1 GB (1,073,741,824 bytes)' }
        @{ Value = '2048KB'; Expected = '2 MB (2,097,152 bytes)' }
    ) {
        $result = & $runbook -Server ex02 -LogPerFileSizeQuota $Value

        $result.changed | Should -BeTrue
        (Get-ImapSettings -Server ex02).LogPerFileSizeQuota | Should -Be $Expected
    }

    It 'is a no-op when the quota already has that many bytes, whatever the notation' -ForEach @(
        @{ Value = '10MB' }, @{ Value = '10485760' }, @{ Value = '10240KB' }
    ) {
        $result = Invoke-WithoutChange { & $runbook -Server ex02 -LogPerFileSizeQuota $Value }

        (Get-Messages $result) | Should -Match 'nothing to change'
    }

    It 'changes nothing under -WhatIf and reports the planned change' {
        $result = Invoke-WithoutChange { & $runbook -Server ex01 -WhatIf }

        (Get-Messages $result) | Should -Match 'would set LogPerFileSizeQuota 0 B \(0 bytes\) -> 10MB'
    }

    It 'says when protocol logging is off' {
        Set-ImapSettings -Server ex01 -ProtocolLogEnabled $false

        $result = & $runbook -Server ex01

        (Get-Messages $result) | Should -Match 'ProtocolLogEnabled is False'
    }

    It 'rejects a server name with <Case> before any cmdlet runs' -ForEach (Get-HostileServerCases) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = $Value }
    }

    It 'rejects the quota <Value> before any cmdlet runs' -ForEach @(
        @{ Value = '10MB; Remove-Item C:\' }
        @{ Value = '$(Remove-Item -WhatIf sentinel.txt)' }
        @{ Value = '-5MB' }
        @{ Value = '512KB' }
        @{ Value = '2GB' }
        @{ Value = 'Unlimited' }
        @{ Value = '10XB' }
        @{ Value = '1' * 10240 }
        @{ Value = '' }
    ) {
        Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = 'ex01'; LogPerFileSizeQuota = $Value }
    }
}
