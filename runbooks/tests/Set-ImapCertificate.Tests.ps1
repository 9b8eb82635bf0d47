BeforeDiscovery { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $runbook = Get-RunbookPath 'Set-ImapCertificate'
    $good = '1A1B2C3D4E5F60718293A4B5C6D7E8F901234500'
    $wildcard = '1C0FFEE0000000000000000000000000000000AB'

    function Set-CertificateField([string] $Thumbprint, [string] $Field, $Value) {
        Edit-LabState {
            param($s)
            $cert = @((Get-LabServerState $s 'EX01')['certificates'] | Where-Object { $_['Thumbprint'] -eq $Thumbprint })[0]
            $cert[$Field] = $Value
        }
    }
}

Describe 'Set-ImapCertificate' {
    BeforeEach { Use-LabFixture broken | Out-Null }

    Context 'on the broken server' {
        It 'enables IMAP on the one suitable certificate and names the FQDN in X509CertificateName' {
            $result = & $runbook -Server ex01

            $result.changed | Should -BeTrue
            $result.before.ImapCertificates | Should -BeNullOrEmpty
            $result.after.ImapCertificates | Should -Be @($good)
            $result.after.X509CertificateName | Should -Be 'ex01.contoso.com'
            (Get-ImapSettings -Server ex01).X509CertificateName | Should -Be 'ex01.contoso.com'
        }

        It 'keeps the services the certificate already had (Enable-ExchangeCertificate is additive)' {
            & $runbook -Server ex01 | Out-Null

            (Get-ExchangeCertificate -Server ex01 -Thumbprint $good).Services | Should -Be 'IMAP, IIS, SMTP'
        }

        It 'passes over the expired, wildcard, revoked and key-less certificates' {
            Set-CertificateField $good 'Status' 'Untrusted'

            { & $runbook -Server ex01 } | Should -Throw -ExpectedMessage '*no certificate can serve IMAP*'
            try { & $runbook -Server ex01 } catch { $message = $_.Exception.Message }
            $message | Should -Match "$good status is Untrusted"
            $message | Should -Match '1EE1F00D5E1F5161ED0000000000000000000000 status is DateInvalid'
            $message | Should -Match "$wildcard is a wildcard certificate"
            $message | Should -Match '1DEAD000000000000000000000000000000000CD status is Revoked'
            $message | Should -Match '1BEEF000000000000000000000000000000000EF has no private key'
        }

        It 'refuses a certificate with fewer than 30 days left, changing nothing' {
            Set-CertificateField $good 'NotAfter' ([DateTime]::UtcNow.AddDays(10).ToString('o'))
            $hash = Get-LabHash

            { & $runbook -Server ex01 } | Should -Throw -ExpectedMessage '*within 30 days*'
            Get-LabChangeCalls | Should -BeNullOrEmpty
            Get-LabHash | Should -Be $hash
        }

        It 'refuses a certificate that does not name the host the clients use' {
            { & $runbook -Server ex01 -HostName 'imap.contoso.com' } | Should -Throw -ExpectedMessage '*does not name imap.contoso.com*'
            Get-LabChangeCalls | Should -BeNullOrEmpty
        }

        It 'binds a chosen certificate when it is suitable' {
            $result = & $runbook -Server ex01 -Thumbprint $good.ToLowerInvariant()

            $result.after.ImapCertificates | Should -Be @($good)
        }

        It 'refuses a chosen wildcard certificate' {
            { & $runbook -Server ex01 -Thumbprint $wildcard } | Should -Throw -ExpectedMessage '*wildcard*'
            Get-LabChangeCalls | Should -BeNullOrEmpty
        }

        It 'fails on a thumbprint that is not installed' {
            { & $runbook -Server ex01 -Thumbprint ('F' * 40) } | Should -Throw -ExpectedMessage '*no certificate with thumbprint FFFF*'
        }

        It 'prefers the suitable certificate that expires last' {
            Edit-LabState {
                param($s)
                $later = (Get-LabServerState $s 'EX01')['certificates'][0].Clone()
                $later['Thumbprint'] = '1F' * 20
                $later['NotAfter'] = '2030-01-01T00:00:00Z'
                $later['Services'] = @('None')
                (Get-LabServerState $s 'EX01')['certificates'] += $later
            }

            $result = & $runbook -Server ex01

            $result.after.ImapCertificates | Should -Be @('1F' * 20)
        }

        It 'changes nothing under -WhatIf and reports both planned changes' {
            $result = Invoke-WithoutChange { & $runbook -Server ex01 -WhatIf }

            (Get-Messages $result) | Should -Match "would run Enable-ExchangeCertificate -Thumbprint $good -Services IMAP"
            (Get-Messages $result) | Should -Match 'would run Set-ImapSettings -X509CertificateName ex01.contoso.com'
        }
    }

    Context 'on a healthy server' {
        It 'is a no-op when a suitable certificate already serves IMAP for the FQDN' {
            $result = Invoke-WithoutChange { & $runbook -Server ex02 }

            (Get-Messages $result) | Should -Match 'nothing to change'
        }

        It 'only renames X509CertificateName when the certificate is already bound' {
            Set-ImapSettings -Server ex02 -X509CertificateName 'ex02'
            Clear-ExchangeLabCallLog

            $result = & $runbook -Server ex02

            $result.changed | Should -BeTrue
            @(Get-LabChangeCalls).Command | Should -Be @('Set-ImapSettings')
        }
    }

    Context 'hostile parameters' {
        It 'rejects a server name with <Case> before any cmdlet runs' -ForEach (Get-HostileServerCases) {
            Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = $Value }
        }

        It 'rejects a host name with <Case> before any cmdlet runs' -ForEach (Get-HostileServerCases) {
            Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = 'ex01'; HostName = $Value }
        }

        It 'rejects the thumbprint <Value> before any cmdlet runs' -ForEach @(
            @{ Value = 'ZZ' * 20 }
            @{ Value = 'A' * 41 }
            @{ Value = 'A' * 39 }
            @{ Value = ('A' * 40) + '; Remove-ExchangeCertificate' }
            @{ Value = '$(Remove-Item -WhatIf sentinel.txt)' }
            @{ Value = 'A' * 10240 }
        ) {
            Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = 'ex01'; Thumbprint = $Value }
        }

        It 'rejects MinimumDaysLeft <Value> before any cmdlet runs' -ForEach @(@{ Value = 29 }, @{ Value = -1 }, @{ Value = 3651 }) {
            Assert-RejectedBeforeAnyCmdlet $runbook @{ Server = 'ex01'; MinimumDaysLeft = $Value }
        }
    }
}
