<#
.SYNOPSIS
    Binds a certificate that IMAP4 clients will accept to IMAP on one Exchange server.
.DESCRIPTION
    The seed's fix for "BYE Connection is closed. 14" and MSExchangeIMAP4 event 1102 ("No valid certificate is
    configured to respond to SSL/TLS connections"): Enable-ExchangeCertificate -Services IMAP on a suitable
    certificate and Set-ImapSettings -X509CertificateName with the host name the clients use.

    A certificate is suitable when its Status is Valid, it has a private key, its CertificateDomains name the host
    exactly, it is not a wildcard (Exchange does not enable wildcards for IMAP), and it has at least
    MinimumDaysLeft days left. Among suitable certificates, one already serving IMAP is kept; otherwise the one
    that expires last is chosen. Enable-ExchangeCertificate is additive, so the certificate keeps its other
    services. No change when a suitable certificate already serves IMAP and X509CertificateName names the host.
    When none is suitable the runbook fails and says why each certificate was passed over.
.PARAMETER Server
    The Exchange server (NetBIOS name or FQDN).
.PARAMETER HostName
    The name IMAP4 clients connect to; default the server's FQDN from Get-ExchangeServer.
.PARAMETER Thumbprint
    Use this certificate (40 hex digits) instead of choosing; it must still be suitable.
.PARAMETER MinimumDaysLeft
    30 through 3650; default 30.
.OUTPUTS
    [pscustomobject] @{ before; after; changed; messages }
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory)]
    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string] $Server,

    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string] $HostName,

    [ValidateLength(40, 40)]
    [ValidatePattern('^[0-9A-Fa-f]{40}$')]
    [string] $Thumbprint,

    [ValidateRange(30, 3650)]
    [int] $MinimumDaysLeft = 30
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

function Test-ServesImap($Certificate) { @([string]$Certificate.Services -split ',\s*') -contains 'IMAP' }

function Read-Binding {
    [pscustomobject]@{
        Server              = $Server
        X509CertificateName = [string](Get-ImapSettings -Server $Server).X509CertificateName
        ImapCertificates    = @(Get-ExchangeCertificate -Server $Server | Where-Object { Test-ServesImap $_ } | ForEach-Object { $_.Thumbprint })
    }
}

# Why a certificate cannot serve IMAP for the host; empty when it can.
function Get-Objection($Certificate, [string] $Name, [DateTime] $Deadline) {
    $domains = @($Certificate.CertificateDomains | ForEach-Object { [string]$_ })
    if ([string]$Certificate.Status -ne 'Valid') { "status is $($Certificate.Status)" }
    if (-not $Certificate.HasPrivateKey) { 'has no private key' }
    if (@($domains | Where-Object { $_.StartsWith('*') }).Count -gt 0 -or [string]$Certificate.Subject -match 'CN=\*') { 'is a wildcard certificate' }
    if (@($domains | Where-Object { $_ -ieq $Name }).Count -eq 0) { "does not name $Name (names: $($domains -join ', '))" }
    if ($Certificate.NotAfter.ToUniversalTime() -lt $Deadline) { "expires $($Certificate.NotAfter.ToUniversalTime().ToString('yyyy-MM-dd')), within $MinimumDaysLeft days" }
}

$name = if ($HostName) { $HostName } else { [string](Get-ExchangeServer -Identity $Server).Fqdn }
$deadline = [DateTime]::UtcNow.AddDays($MinimumDaysLeft)
$messages = [System.Collections.Generic.List[string]]::new()
$before = Read-Binding
$changed = $false
$planned = $false

$certificates = @(Get-ExchangeCertificate -Server $Server)
if ($Thumbprint) {
    $certificates = @($certificates | Where-Object { $_.Thumbprint -ieq $Thumbprint })
    if ($certificates.Count -eq 0) { throw "${Server}: no certificate with thumbprint $Thumbprint is installed." }
}
$objections = [ordered]@{}
$suitable = @(foreach ($certificate in $certificates) {
        $why = @(Get-Objection $certificate $name $deadline)
        if ($why.Count -eq 0) { $certificate } else { $objections[[string]$certificate.Thumbprint] = $why -join '; ' }
    })
if ($suitable.Count -eq 0) {
    $detail = ($objections.Keys | ForEach-Object { "$_ $($objections[$_])" }) -join ' | '
    throw "${Server}: no certificate can serve IMAP for $name. $detail"
}
$chosen = $suitable | Sort-Object -Property @{ e = { Test-ServesImap $_ }; Descending = $true }, @{ e = { $_.NotAfter }; Descending = $true } | Select-Object -First 1
$messages.Add("${Server}: certificate $($chosen.Thumbprint) ($($chosen.Subject), expires $($chosen.NotAfter.ToUniversalTime().ToString('yyyy-MM-dd'))) serves IMAP for $name.")

if (-not (Test-ServesImap $chosen)) {
    $action = "Enable-ExchangeCertificate -Thumbprint $($chosen.Thumbprint) -Services IMAP"
    if ($PSCmdlet.ShouldProcess($Server, $action)) {
        Enable-ExchangeCertificate -Server $Server -Thumbprint $chosen.Thumbprint -Services IMAP
        $changed = $true
        $messages.Add("${Server}: $action (its services were $($chosen.Services)).")
    }
    else { $planned = $true; $messages.Add("${Server}: would run $action.") }
}
if ($before.X509CertificateName -ne $name) {
    $action = "Set-ImapSettings -X509CertificateName $name"
    if ($PSCmdlet.ShouldProcess($Server, $action)) {
        Set-ImapSettings -Server $Server -X509CertificateName $name
        $changed = $true
        $messages.Add("${Server}: X509CertificateName '$($before.X509CertificateName)' -> '$name'.")
    }
    else { $planned = $true; $messages.Add("${Server}: would run $action (was '$($before.X509CertificateName)').") }
}
if ($changed) { $messages.Add("${Server}: restart the IMAP4 services (Restart-ImapServices) for the certificate to be used.") }
elseif (-not $planned) { $messages.Add("${Server}: IMAP already uses a suitable certificate for $name; nothing to change.") }

[pscustomobject]@{
    before   = $before
    after    = Read-Binding
    changed  = $changed
    messages = $messages.ToArray()
}
