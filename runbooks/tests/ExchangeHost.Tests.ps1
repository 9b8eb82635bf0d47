BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # The production module, under a prefix so that it cannot be confused with the lab's functions of the same names.
    $production = Import-Module (Join-Path $script:RepoRoot 'runbooks' 'ExchangeHost' 'ExchangeHost.psd1') -PassThru -Force -Prefix 'Prod'
}
AfterAll { Remove-Module $production }

Describe 'ExchangeHost (production)' {
    It 'finds a real listening loopback port open and a closed one closed' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            Test-ProdExchangeHostPort -Server 127.0.0.1 -Port $port -TimeoutMilliseconds 5000 | Should -BeTrue
        }
        finally { $listener.Stop() }

        Test-ProdExchangeHostPort -Server 127.0.0.1 -Port $port -TimeoutMilliseconds 2000 | Should -BeFalse
    }

    It 'refuses a service name that is not a plain name before reaching any server' {
        { Restart-ProdExchangeHostService -Server ex01 -Name 'MSExchangeIMAP4; Restart-Computer' } | Should -Throw "*parameter 'Name'*"
    }

    It 'refuses a registry path outside HKLM or with a command' -ForEach @(
        @{ Path = 'HKCU:\Software\X' }, @{ Path = 'HKLM:\SOFTWARE\X; Remove-Item C:\' }
    ) {
        { Set-ProdExchangeHostRegistryValue -Server ex01 -Path $Path -Name 'V' -Value 1 } | Should -Throw "*parameter 'Path'*"
    }
}
