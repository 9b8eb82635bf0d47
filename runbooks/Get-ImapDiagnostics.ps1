<#
.SYNOPSIS
    Collects the seed's diagnostics bundle for IMAP on Exchange and lists what the fix runbooks would change.
.DESCRIPTION
    The seed's "To see IMAP setting on Exchange": Get-ExchangeServer (name, role, site, FQDN, version),
    Get-AcceptedDomain, Get-TransportAgent, Get-DomainController (name, DNS host name, AD site), Get-ImapSettings on
    every server and Get-ThrottlingPolicy NPUMAdminPolicy; plus, per server, the certificates, the IMAP4 services,
    the Managed Availability component states, the store session registry limits, and the seed's mail-flow ports
    (25, 587, 465, 717, 475, 2525): which receive connectors bind each port and whether the port answers.
    Read-only: changes nothing, so -WhatIf has nothing to skip. A part that fails is reported in messages and the
    rest is still collected. Each finding names the runbook that fixes it.
.PARAMETER Server
    The servers to inspect (NetBIOS names or FQDNs); default every server Get-ExchangeServer returns.
.PARAMETER ThrottlingPolicy
    The voice-mail system's throttling policy; default NPUMAdminPolicy.
.PARAMETER Port
    The mail-flow ports to check; default the seed's 25, 587, 465, 717, 475, 2525.
.OUTPUTS
    [pscustomobject] @{ before; after; changed; messages }: before and after are the same bundle.
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
param(
    [ValidateCount(1, 64)]
    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string[]] $Server,

    [ValidateLength(1, 64)]
    [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$')]
    [string] $ThrottlingPolicy = 'NPUMAdminPolicy',

    [ValidateCount(1, 32)]
    [ValidateRange(1, 65535)]
    [int[]] $Port = @(25, 587, 465, 717, 475, 2525)
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$messages = [System.Collections.Generic.List[string]]::new()
$storeKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem'
$storeValues = @('Maximum Allowed Sessions Per User', 'Maximum Allowed Service Sessions Per User')

# One part failing (a missing policy, an unreachable server) must not cost the operator the rest of the bundle.
function Invoke-Part([string] $Part, [scriptblock] $Collect) {
    try { & $Collect }
    catch { $messages.Add("${Part}: could not be read: $($_.Exception.Message)") }
}
function Add-Finding([string] $Text, [string] $Runbook) { $messages.Add("$Text -> $Runbook") }

$bundle = [ordered]@{}
$bundle.Servers = @(Invoke-Part 'Get-ExchangeServer' { Get-ExchangeServer | Select-Object -Property Name, ServerRole, Site, Fqdn, AdminDisplayVersion })
$bundle.AcceptedDomains = @(Invoke-Part 'Get-AcceptedDomain' { Get-AcceptedDomain | Select-Object -Property Name, DomainName, DomainType, Default })
$bundle.TransportAgents = @(Invoke-Part 'Get-TransportAgent' { Get-TransportAgent | Select-Object -Property Identity, Enabled, Priority })
$bundle.DomainControllers = @(Invoke-Part 'Get-DomainController' { Get-DomainController | Select-Object -Property Name, DnsHostName, ADSite })
$bundle.ThrottlingPolicy = Invoke-Part "Get-ThrottlingPolicy $ThrottlingPolicy" {
    Get-ThrottlingPolicy -Identity $ThrottlingPolicy | Select-Object -Property Name, ImapMaxConcurrency, ImapMaxBurst, ImapRechargeRate, ImapCutoffBalance, CPAMaxConcurrency
}
if ($bundle.ThrottlingPolicy) {
    $limited = @('ImapMaxConcurrency', 'ImapMaxBurst', 'ImapRechargeRate', 'ImapCutoffBalance', 'CPAMaxConcurrency') | Where-Object { [string]$bundle.ThrottlingPolicy.$_ -ne 'Unlimited' }
    if ($limited) { Add-Finding "${ThrottlingPolicy}: $((@($limited) | ForEach-Object { "$_ $($bundle.ThrottlingPolicy.$_)" }) -join ', ') (the seed sets Unlimited)" 'Set-ImapThrottlingPolicy' }
}

$targets = if ($Server) { $Server } else { @($bundle.Servers | ForEach-Object { $_.Name }) }
$bundle.PerServer = @(foreach ($name in $targets) {
        $fqdn = [string](@($bundle.Servers | Where-Object { $_.Name -ieq $name -or $_.Fqdn -ieq $name }) | Select-Object -First 1 -ExpandProperty Fqdn)
        $imap = Invoke-Part "${name} Get-ImapSettings" { Get-ImapSettings -Server $name }
        $certificates = @(Invoke-Part "${name} Get-ExchangeCertificate" {
                Get-ExchangeCertificate -Server $name | Select-Object -Property Thumbprint, Subject, CertificateDomains, NotAfter, HasPrivateKey, Services, Status
            })
        $services = @(Invoke-Part "${name} services" { Get-ExchangeHostService -Server $name -Name MSExchangeIMAP4, MSExchangeIMAP4BE | Select-Object -Property Name, Status, StartType, StartTime })
        $components = @(Invoke-Part "${name} Get-ServerComponentState" { Get-ServerComponentState -Identity $name | Select-Object -Property Component, State })
        $registry = [ordered]@{}
        foreach ($value in $storeValues) {
            $registry[$value] = Invoke-Part "${name} registry" { $v = Get-ExchangeHostRegistryValue -Server $name -Path $storeKey -Name $value; if ($v) { [long]$v.Value } }
        }
        $connectors = @(Invoke-Part "${name} Get-ReceiveConnector" { Get-ReceiveConnector -Server $name | Select-Object -Property Name, Bindings, TransportRole, Enabled })
        $ports = @(foreach ($p in $Port) {
                [pscustomobject]@{
                    Port       = $p
                    Connectors = @($connectors | Where-Object { @($_.Bindings | Where-Object { ([string]$_).EndsWith(":$p") }).Count -gt 0 } | ForEach-Object { $_.Name })
                    Answers    = [bool](Invoke-Part "${name} port $p" { Test-ExchangeHostPort -Server $name -Port $p })
                }
            })

        # Findings, each with the runbook that fixes it.
        if ($imap) {
            $certName = if ($imap.X509CertificateName) { $imap.X509CertificateName } else { $fqdn }
            $bound = @($certificates | Where-Object {
                    @([string]$_.Services -split ',\s*') -contains 'IMAP' -and [string]$_.Status -eq 'Valid' -and $_.HasPrivateKey -and
                    @($_.CertificateDomains | Where-Object { [string]$_ -ieq $certName }).Count -gt 0
                })
            if (-not $imap.X509CertificateName) { Add-Finding "${name}: X509CertificateName is empty, so IMAP over TLS has no certificate name (event 1102, BYE Connection is closed. 14)" 'Set-ImapCertificate' }
            elseif ($fqdn -and $imap.X509CertificateName -ine $fqdn) { $messages.Add("${name}: X509CertificateName is $($imap.X509CertificateName), not the server FQDN $fqdn (fine if clients use that name).") }
            if ($bound.Count -eq 0) { Add-Finding "${name}: no Valid certificate with a private key that names $certName is enabled for IMAP" 'Set-ImapCertificate' }
            elseif (@($bound | Where-Object { $_.NotAfter.ToUniversalTime() -gt [DateTime]::UtcNow.AddDays(30) }).Count -eq 0) {
                Add-Finding "${name}: the IMAP certificate expires within 30 days" 'Set-ImapCertificate'
            }
            if ($imap.EnableGSSAPIAndNTLMAuth) { Add-Finding "${name}: EnableGSSAPIAndNTLMAuth is True (KB 3076376)" 'Disable-ImapNtlm' }
            if ($imap.MaxConnectionsPerUser -lt 200000) { Add-Finding "${name}: MaxConnectionsPerUser is $($imap.MaxConnectionsPerUser) (the seed sets 200000)" 'Set-ImapConnectionLimits' }
            if ($imap.MaxConnections -ne 2147483647 -or $imap.MaxConnectionFromSingleIP -ne 2147483647 -or $imap.MaxCommandSize -ne 10240) {
                Add-Finding "${name}: MaxConnections $($imap.MaxConnections), MaxConnectionFromSingleIP $($imap.MaxConnectionFromSingleIP), MaxCommandSize $($imap.MaxCommandSize) differ from Exchange's defaults" 'Set-ImapConnectionLimits'
            }
            if ([string]$imap.LogPerFileSizeQuota -notmatch '\(10,485,760 bytes\)') { Add-Finding "${name}: LogPerFileSizeQuota is $($imap.LogPerFileSizeQuota) (the seed sets 10MB)" 'Set-ImapProtocolLogQuota' }
        }
        foreach ($value in $storeValues) {
            if ($registry[$value] -ne 0x2048) {
                $shown = if ($null -eq $registry[$value]) { 'absent' } else { '0x{0:X}' -f $registry[$value] }
                Add-Finding "${name}: registry '$value' is $shown (the seed sets 0x2048)" 'Set-StoreSessionLimits'
            }
        }
        foreach ($c in @($components | Where-Object { $_.Component -in @('ServerWideOffline', 'ImapProxy') -and [string]$_.State -ne 'Active' })) {
            $messages.Add("${name}: Managed Availability has $($c.Component) $($c.State); leave the server alone until it is Active again.")
        }
        foreach ($s in @($services | Where-Object { [string]$_.Status -ne 'Running' })) { Add-Finding "${name}: $($s.Name) is $($s.Status)" 'Restart-ImapServices' }
        foreach ($p in $ports) {
            if (-not $p.Answers) { $messages.Add("${name}: port $($p.Port) does not answer.") }
            # 475 belongs to the Mailbox Transport Delivery service, which listens without a receive connector of its own.
            if ($p.Connectors.Count -eq 0 -and $p.Port -ne 475) { $messages.Add("${name}: no receive connector binds port $($p.Port).") }
        }

        [pscustomobject]@{
            Server             = $name
            ImapSettings       = $imap
            Certificates       = $certificates
            Services           = $services
            ComponentStates    = $components
            StoreSessionLimits = [pscustomobject]$registry
            MailFlowPorts      = $ports
        }
    })

$result = [pscustomobject]$bundle
if ($messages.Count -eq 0) { $messages.Add('No findings: every checked setting matches the seed.') }
[pscustomobject]@{
    before   = $result
    after    = $result
    changed  = $false
    messages = $messages.ToArray()
}
