<#
.SYNOPSIS
    Restarts the IMAP4 front-end and back-end services (MSExchangeIMAP4, MSExchangeIMAP4BE) of one Exchange server.
.DESCRIPTION
    The seed's "After you set connection limits, restart the IMAP4 services front-end and back-end", needed after
    any IMAP change. Managed Availability also restarts these services on its own, and takes a component out of
    service while it works on it, so the runbook first reads Get-ServerComponentState and refuses (fails) when
    ServerWideOffline or ImapProxy is not Active: the server is in maintenance or under recovery.

    Idempotent: without -Force it restarts only when a service is not Running, or when the IMAP settings changed
    (WhenChangedUTC) after a service started, so the running service has not read them yet. Use -Force after a
    change Exchange does not date (the store registry limits, a certificate replaced in place).
    The back end is restarted before the front end that proxies to it.
.PARAMETER Server
    The Exchange server (NetBIOS name or FQDN).
.PARAMETER Force
    Restart even when the services run with the current settings.
.OUTPUTS
    [pscustomobject] @{ before; after; changed; messages }
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory)]
    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string] $Server,

    [switch] $Force
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$serviceNames = @('MSExchangeIMAP4BE', 'MSExchangeIMAP4')

function Read-Services {
    @(Get-ExchangeHostService -Server $Server -Name $serviceNames | Select-Object -Property Name, Status, StartTime)
}

$messages = [System.Collections.Generic.List[string]]::new()
$components = @(Get-ServerComponentState -Identity $Server | Where-Object { $_.Component -in @('ServerWideOffline', 'ImapProxy') })
$blocked = @($components | Where-Object { [string]$_.State -ne 'Active' })
if ($blocked.Count -gt 0) {
    $states = ($blocked | ForEach-Object { "$($_.Component) is $($_.State)" }) -join ', '
    throw "${Server}: refusing to restart the IMAP4 services while Managed Availability has $states (Get-ServerComponentState)."
}

$before = Read-Services
$settingsChanged = (Get-ImapSettings -Server $Server).WhenChangedUTC
$reasons = [System.Collections.Generic.List[string]]::new()
foreach ($service in $before) {
    if ([string]$service.Status -ne 'Running') { $reasons.Add("$($service.Name) is $($service.Status)") }
    elseif ($null -ne $settingsChanged -and $null -ne $service.StartTime -and $settingsChanged.ToUniversalTime() -gt $service.StartTime.ToUniversalTime()) {
        $reasons.Add("the IMAP settings changed at $($settingsChanged.ToUniversalTime().ToString('u')) after $($service.Name) started")
    }
}
if ($Force) { $reasons.Add('-Force') }
$changed = $false

if ($reasons.Count -eq 0) {
    $messages.Add("${Server}: the IMAP4 services are running with the current settings; nothing to restart.")
}
else {
    $action = "Restart $($serviceNames -join ', ') because $($reasons -join '; ')"
    if ($PSCmdlet.ShouldProcess($Server, $action)) {
        Restart-ExchangeHostService -Server $Server -Name $serviceNames
        $changed = $true
        $messages.Add("${Server}: restarted $($serviceNames -join ', ') because $($reasons -join '; ').")
    }
    else {
        $messages.Add("${Server}: would restart $($serviceNames -join ', ') because $($reasons -join '; ').")
    }
}

$after = Read-Services
$down = @($after | Where-Object { [string]$_.Status -ne 'Running' })
if ($changed -and $down.Count -gt 0) {
    throw "${Server}: after the restart $(($down | ForEach-Object { "$($_.Name) is $($_.Status)" }) -join ', ')."
}

[pscustomobject]@{
    before   = $before
    after    = $after
    changed  = $changed
    messages = $messages.ToArray()
}
