BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab
    $good = '1A1B2C3D4E5F60718293A4B5C6D7E8F901234500'
    $wildcard = '1C0FFEE0000000000000000000000000000000AB'
}

Describe 'ExchangeLab' {
    BeforeEach { Use-LabFixture broken | Out-Null }

    Context 'Set-ImapSettings' {
        It 'accepts the range ends <Name> <Value>' -ForEach @(
            @{ Name = 'MaxCommandSize'; Value = 1024 }, @{ Name = 'MaxCommandSize'; Value = 16384 },
            @{ Name = 'MaxConnectionsPerUser'; Value = 1 }, @{ Name = 'MaxConnections'; Value = 2147483647 }
        ) {
            $parameters = @{ Server = 'ex01'; $Name = $Value }
            Set-ImapSettings @parameters

            (Get-ImapSettings -Server ex01).$Name | Should -Be $Value
        }

        It 'refuses <Name> <Value> and leaves the state as it was' -ForEach @(
            @{ Name = 'MaxCommandSize'; Value = 1023 }, @{ Name = 'MaxCommandSize'; Value = 16385 },
            @{ Name = 'MaxConnectionsPerUser'; Value = 0 }, @{ Name = 'MaxConnectionFromSingleIP'; Value = -1 },
            @{ Name = 'LogPerFileSizeQuota'; Value = '10XB' }, @{ Name = 'LogPerFileSizeQuota'; Value = '-1' },
            @{ Name = 'LogPerFileSizeQuota'; Value = '1.5B' }, @{ Name = 'X509CertificateName'; Value = '*.contoso.com' },
            @{ Name = 'X509CertificateName'; Value = 'ex01 contoso' }
        ) {
            $hash = Get-LabHash
            $parameters = @{ Server = 'ex01'; MaxConnectionsPerUser = 200000 }
            $parameters[$Name] = $Value

            { Set-ImapSettings @parameters } | Should -Throw
            Get-LabHash | Should -Be $hash
        }

        It 'reads the ByteQuantifiedSize <Value> as <Expected>' -ForEach @(
            @{ Value = '10MB'; Expected = '10 MB (10,485,760 bytes)' }
            @{ Value = '10 mb'; Expected = '10 MB (10,485,760 bytes)' }
            @{ Value = '1.5KB'; Expected = '1.5 KB (1,536 bytes)' }
            @{ Value = '4096'; Expected = '4 KB (4,096 bytes)' }
            @{ Value = '0'; Expected = '0 B (0 bytes)' }
            @{ Value = '2GB'; Expected = '2 GB (2,147,483,648 bytes)' }
            @{ Value = '10 MB (10,485,760 bytes)'; Expected = '10 MB (10,485,760 bytes)' }
            @{ Value = 'Unlimited'; Expected = 'Unlimited' }
        ) {
            Set-ImapSettings -Server ex01 -LogPerFileSizeQuota $Value

            (Get-ImapSettings -Server ex01).LogPerFileSizeQuota | Should -Be $Expected
        }

        It 'stamps WhenChangedUTC on every change' {
            $before = (Get-ImapSettings -Server ex01).WhenChangedUTC

            Set-ImapSettings -Server ex01 -EnableGSSAPIAndNTLMAuth $false

            (Get-ImapSettings -Server ex01).WhenChangedUTC | Should -BeGreaterThan $before
        }

        It 'finds servers by name or FQDN, in any case' {
            (Get-ImapSettings -Server 'EX02.CONTOSO.COM').Server | Should -Be 'EX02'
        }

        It 'fails on an unknown server as Exchange does' {
            { Get-ImapSettings -Server ex09 } | Should -Throw "The operation couldn't be performed because object 'ex09' couldn't be found on 'dc01.contoso.com'."
        }

        It 'changes nothing under -WhatIf' {
            $hash = Get-LabHash
            Set-ImapSettings -Server ex01 -MaxConnectionsPerUser 5 -WhatIf
            Get-LabHash | Should -Be $hash
        }
    }

    Context 'Set-ThrottlingPolicy' {
        It 'takes Unlimited and whole numbers up to 4294967295' {
            Set-ThrottlingPolicy NPUMAdminPolicy -ImapMaxConcurrency Unlimited -ImapMaxBurst 4294967295 -CPAMaxConcurrency 0

            $policy = Get-ThrottlingPolicy NPUMAdminPolicy
            $policy.ImapMaxConcurrency | Should -Be 'Unlimited'
            $policy.ImapMaxBurst | Should -Be '4294967295'
            $policy.CPAMaxConcurrency | Should -Be '0'
        }

        It 'refuses <Value>' -ForEach @(@{ Value = '-1' }, @{ Value = '4294967296' }, @{ Value = 'lots' }, @{ Value = '1e3' }) {
            $hash = Get-LabHash
            { Set-ThrottlingPolicy NPUMAdminPolicy -ImapMaxBurst $Value } | Should -Throw "*ImapMaxBurst*'$Value' is not Unlimited*"
            Get-LabHash | Should -Be $hash
        }

        It 'fails on an unknown policy' {
            { Get-ThrottlingPolicy NoSuchPolicy } | Should -Throw "*'NoSuchPolicy' couldn't be found*"
        }
    }

    Context 'certificates' {
        It 'reports an expired certificate as DateInvalid whatever its stored status' {
            (Get-ExchangeCertificate -Server ex01 -Thumbprint '1EE1F00D5E1F5161ED0000000000000000000000').Status | Should -Be 'DateInvalid'
        }

        It 'adds IMAP to the services a certificate has' {
            Enable-ExchangeCertificate -Server ex01 -Thumbprint $good -Services IMAP
            Enable-ExchangeCertificate -Server ex01 -Thumbprint $good -Services 'POP, IMAP'

            (Get-ExchangeCertificate -Server ex01 -Thumbprint $good).Services | Should -Be 'IMAP, POP, IIS, SMTP'
        }

        It 'enables a wildcard certificate for SMTP but never for <Service>' -ForEach @(@{ Service = 'IMAP' }, @{ Service = 'POP' }) {
            Enable-ExchangeCertificate -Server ex01 -Thumbprint $wildcard -Services SMTP
            $hash = Get-LabHash

            { Enable-ExchangeCertificate -Server ex01 -Thumbprint $wildcard -Services $Service } | Should -Throw '*wildcard certificate*'
            Get-LabHash | Should -Be $hash
            (Get-ExchangeCertificate -Server ex01 -Thumbprint $wildcard).Services | Should -Be 'SMTP'
        }

        It 'refuses <Case>' -ForEach @(
            @{ Case = 'an unknown thumbprint'; Thumbprint = 'F' * 40; Message = '*was not found on server EX01*' }
            @{ Case = 'a certificate without a private key'; Thumbprint = '1BEEF000000000000000000000000000000000EF'; Message = "*doesn't have a private key*" }
            @{ Case = 'a revoked certificate'; Thumbprint = '1DEAD000000000000000000000000000000000CD'; Message = '*status Revoked*' }
            @{ Case = 'an expired certificate'; Thumbprint = '1EE1F00D5E1F5161ED0000000000000000000000'; Message = '*status DateInvalid*' }
        ) {
            $hash = Get-LabHash
            { Enable-ExchangeCertificate -Server ex01 -Thumbprint $Thumbprint -Services IMAP } | Should -Throw $Message
            Get-LabHash | Should -Be $hash
        }

        It 'refuses a malformed thumbprint or service' {
            { Enable-ExchangeCertificate -Server ex01 -Thumbprint 'xyz' -Services IMAP } | Should -Throw "*parameter 'Thumbprint'*"
            { Enable-ExchangeCertificate -Server ex01 -Thumbprint $good -Services 'IMAP4' } | Should -Throw "*'IMAP4' is not one of*"
        }

        It 'fails Get-ExchangeCertificate on an unknown thumbprint' {
            { Get-ExchangeCertificate -Server ex01 -Thumbprint ('E' * 40) } | Should -Throw '*was not found*'
        }
    }

    Context 'host operations' {
        It 'restarts services and stamps their start time' {
            Restart-ExchangeHostService -Server ex01 -Name MSExchangeIMAP4BE

            $service = Get-ExchangeHostService -Server ex01 -Name MSExchangeIMAP4BE
            $service.Status | Should -Be 'Running'
            $service.StartTime | Should -BeGreaterThan ([DateTime]::UtcNow.AddMinutes(-1))
        }

        It 'refuses to start a disabled service and restarts none of the others' {
            Edit-LabState { param($s) @((Get-LabServerState $s 'EX01')['services'])[1]['StartType'] = 'Disabled' }
            $hash = Get-LabHash

            { Restart-ExchangeHostService -Server ex01 -Name MSExchangeIMAP4, MSExchangeIMAP4BE } | Should -Throw '*disabled*'
            Get-LabHash | Should -Be $hash
        }

        It 'fails on an unknown service' {
            { Get-ExchangeHostService -Server ex01 -Name W3SVC } | Should -Throw "*Cannot find any service with service name 'W3SVC'*"
        }

        It 'gets $null for an absent registry value and the DWORD once set' {
            $key = 'HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem'
            Get-ExchangeHostRegistryValue -Server ex01 -Path $key -Name 'Maximum Allowed Sessions Per User' | Should -BeNullOrEmpty

            Set-ExchangeHostRegistryValue -Server ex01 -Path $key -Name 'Maximum Allowed Sessions Per User' -Value 0x2048

            (Get-ExchangeHostRegistryValue -Server ex01 -Path $key -Name 'Maximum Allowed Sessions Per User').Value | Should -Be 8264
        }

        It 'refuses a registry value outside a DWORD' {
            { Set-ExchangeHostRegistryValue -Server ex01 -Path 'HKLM:\SOFTWARE\X' -Name 'V' -Value 4294967296 } | Should -Throw "*parameter 'Value'*"
        }

        It 'answers on listening ports only' {
            Test-ExchangeHostPort -Server ex01 -Port 993 | Should -BeTrue
            Test-ExchangeHostPort -Server ex01 -Port 110 | Should -BeFalse
        }

        It 'reads Managed Availability component state' {
            (Get-ServerComponentState ex01 -Component ImapProxy).State | Should -Be 'Active'
            { Get-ServerComponentState ex01 -Component NoSuchComponent } | Should -Throw '*not a valid server component*'
        }

        It 'does not shadow PowerShell''s own <Command>' -ForEach @(@{ Command = 'Get-Service' }, @{ Command = 'Restart-Service' }, @{ Command = 'Get-ItemProperty' }) {
            $found = Get-Command $Command -ErrorAction SilentlyContinue
            if ($found) { $found.Source | Should -Not -Be 'ExchangeLab' }
            @((Get-Module ExchangeLab).ExportedCommands.Keys) | Should -Not -Contain $Command
        }
    }

    Context 'state file' {
        It 'fails clearly when no state file is set' {
            $module = Get-Module ExchangeLab
            & $module { $script:StatePath = $null }
            $saved = $env:EXCHANGELAB_STATE
            try {
                $env:EXCHANGELAB_STATE = $null
                { Get-ExchangeServer } | Should -Throw '*has no state file*'
            }
            finally { $env:EXCHANGELAB_STATE = $saved }
        }

        It 'takes the state file from EXCHANGELAB_STATE' {
            $path = Get-ExchangeLabState
            $module = Get-Module ExchangeLab
            & $module { $script:StatePath = $null }
            $saved = $env:EXCHANGELAB_STATE
            try {
                $env:EXCHANGELAB_STATE = $path
                @(Get-ExchangeServer).Count | Should -Be 2
            }
            finally { $env:EXCHANGELAB_STATE = $saved }
        }

        It 'fails clearly on a state file that is not JSON, saying which' {
            $path = Join-Path $TestDrive 'bad.json'
            Set-Content -LiteralPath $path -Value '{ "servers": [ '
            Set-ExchangeLabState -Path $path

            { Get-ExchangeServer } | Should -Throw "*'$path' is not valid JSON*"
        }

        It 'fails clearly on JSON that is not a lab state' {
            $path = Join-Path $TestDrive 'other.json'
            Set-Content -LiteralPath $path -Value '[1, 2, 3]'
            Set-ExchangeLabState -Path $path

            { Get-ExchangeServer } | Should -Throw "*must be an object with 'organization' and 'servers'*"
        }

        It 'refuses a state file that does not exist' {
            { Set-ExchangeLabState -Path (Join-Path $TestDrive 'missing.json') } | Should -Throw '*does not exist*'
        }

        It 'keeps every write from runspaces that change the same state at once' {
            $path = Get-ExchangeLabState
            $workers = foreach ($i in 1..4) {
                $ps = [powershell]::Create()
                $null = $ps.AddScript({
                        param($module, $state, $i)
                        Import-Module $module
                        Set-ExchangeLabState -Path $state
                        foreach ($n in 1..5) {
                            Set-ExchangeHostRegistryValue -Server ex01 -Path 'HKLM:\SOFTWARE\LabConcurrency' -Name "w$i-$n" -Value $n
                        }
                    }).AddArgument($script:LabModule).AddArgument($path).AddArgument($i)
                [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
            }
            foreach ($w in $workers) {
                $w.PowerShell.EndInvoke($w.Handle) | Out-Null
                $w.PowerShell.Streams.Error | Should -BeNullOrEmpty
                $w.PowerShell.Dispose()
            }

            $values = (Get-ExchangeLabState -Content)['servers'][0]['registry']['HKLM:\SOFTWARE\LabConcurrency']
            $values.Count | Should -Be 20
        }
    }
}
