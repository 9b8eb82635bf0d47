BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $runbook = Get-RunbookPath 'Get-ImapDiagnostics'
}

Describe 'Get-ImapDiagnostics' {
    Context 'on the broken state' {
        BeforeEach { Use-LabFixture broken | Out-Null }

        It 'collects the seed bundle for every server' {
            $result = & $runbook

            $bundle = $result.before
            @($bundle.Servers).Name | Should -Be @('EX01', 'EX02')
            $bundle.Servers[0].AdminDisplayVersion | Should -Be 'Version 15.1 (Build 2507.6)'
            @($bundle.AcceptedDomains).DomainName | Should -Contain 'contoso.com'
            @($bundle.TransportAgents).Count | Should -Be 3
            @($bundle.DomainControllers).DnsHostName | Should -Contain 'dc01.contoso.com'
            $bundle.ThrottlingPolicy.Name | Should -Be 'NPUMAdminPolicy'
            @($bundle.PerServer).Server | Should -Be @('EX01', 'EX02')
            $ex01 = $bundle.PerServer[0]
            $ex01.ImapSettings.MaxConnectionsPerUser | Should -Be 16
            @($ex01.Certificates).Count | Should -Be 5
            @($ex01.Services).Name | Should -Be @('MSExchangeIMAP4', 'MSExchangeIMAP4BE')
            @($ex01.ComponentStates | Where-Object Component -eq 'ImapProxy').State | Should -Be 'Active'
        }

        It 'reports each seed mail-flow port with its receive connectors and whether it answers' {
            Edit-LabState { param($s) (Get-LabServerState $s 'EX01')['listeningPorts'] = @(25, 587, 465, 475, 2525) }

            $result = & $runbook -Server ex01

            $ports = $result.before.PerServer[0].MailFlowPorts
            @($ports).Port | Should -Be @(25, 587, 465, 717, 475, 2525)
            @($ports | Where-Object Port -eq 25).Connectors | Should -Be @('Default Frontend EX01')
            @($ports | Where-Object Port -eq 717).Answers | Should -BeFalse
            @($ports | Where-Object Port -eq 587).Answers | Should -BeTrue
            (Get-Messages $result) | Should -Match 'EX01: port 717 does not answer'
        }

        It 'names the runbook that fixes each finding on ex01 (<Fix>)' -ForEach @(
            @{ Fix = 'Set-ImapCertificate' }, @{ Fix = 'Disable-ImapNtlm' }, @{ Fix = 'Set-ImapConnectionLimits' },
            @{ Fix = 'Set-ImapProtocolLogQuota' }, @{ Fix = 'Set-StoreSessionLimits' }, @{ Fix = 'Restart-ImapServices' },
            @{ Fix = 'Set-ImapThrottlingPolicy' }
        ) {
            $result = & $runbook

            $result.changed | Should -BeFalse
            (Get-Messages $result) | Should -Match "-> $Fix"
        }

        It 'reports nothing to fix on ex02 but the shared throttling policy' {
            $result = & $runbook -Server ex02

            @($result.messages | Where-Object { $_ -match '-> ' -and $_ -notmatch 'Set-ImapThrottlingPolicy' }) | Should -BeNullOrEmpty
        }

        It 'changes nothing, also under -WhatIf' {
            $hash = Get-LabHash

            & $runbook | Out-Null
            & $runbook -WhatIf | Out-Null

            Get-LabChangeCalls | Should -BeNullOrEmpty
            Get-LabHash | Should -Be $hash
        }

        It 'reports a part it cannot read and still collects the rest' {
            $result = & $runbook -Server ex01 -ThrottlingPolicy 'NoSuchPolicy'

            (Get-Messages $result) | Should -Match "Get-ThrottlingPolicy NoSuchPolicy: could not be read: .*'NoSuchPolicy' couldn't be found"
            $result.before.PerServer[0].ImapSettings.Server | Should -Be 'EX01'
        }

        It 'says when Managed Availability has the IMAP component out of service' {
            Edit-LabState { param($s) @((Get-LabServerState $s 'EX01')['componentStates'] | Where-Object { $_['Component'] -eq 'ImapProxy' })[0]['State'] = 'Inactive' }

            $result = & $runbook -Server ex01

            (Get-Messages $result) | Should -Match 'EX01: Managed Availability has ImapProxy Inactive'
        }
    }

    Context 'on the healthy state' {
        It 'has no findings' {
            Use-LabFixture healthy | Out-Null

            $result = & $runbook

            $result.messages | Should -Be @('No findings: every checked setting matches the seed.')
        }
    }

    Context 'hostile parameters' {
        BeforeEach { Use-LabFixture broken | Out-Null }

        It 'rejects a server name with <Case> before any cmdlet runs' -ForEach (Get-HostileServerCases) {
            Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = @('ex02', $Value) }
        }

        It 'rejects the port list <Case> before any cmdlet runs' -ForEach @(
            @{ Case = 'with port 0'; Value = @(25, 0) }
            @{ Case = 'with port 65536'; Value = @(65536) }
            @{ Case = 'with a negative port'; Value = @(-25) }
            @{ Case = 'of 33 ports'; Value = @(1..33) }
            @{ Case = 'with a command'; Value = @('25; Restart-Computer') }
        ) {
            Assert-RejectedBeforeAnyCmdlet $runbook @{ Port = $Value }
        }

        It 'rejects the throttling policy name <Value> before any cmdlet runs' -ForEach @(
            @{ Value = 'NPUMAdminPolicy; Remove-Item x' }, @{ Value = 'P' * 10240 }
        ) {
            Assert-RejectedBeforeAnyCmdlet $runbook @{ ThrottlingPolicy = $Value }
        }
    }
}
