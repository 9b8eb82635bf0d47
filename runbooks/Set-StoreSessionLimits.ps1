<#
.SYNOPSIS
    Sets the Information Store's per-user session limits (two registry DWORDs) on one Exchange server.
.DESCRIPTION
    The seed's "Maximum Allowed Sessions Per User and Maximum Allowed Service Sessions Per User": under
    HKLM\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem, DWORDs
    "Maximum Allowed Sessions Per User" and "Maximum Allowed Service Sessions Per User" with the value 2048
    hexadecimal (0x2048 = 8264), created when absent. Only the values that differ are written; no change when both
    are right. The store reads them at start: run Restart-ImapServices -Force (or restart the server) afterwards.
.PARAMETER Server
    The Exchange server (NetBIOS name or FQDN).
.PARAMETER MaximumAllowedSessionsPerUser
    1 through 65535; default 0x2048 as the seed advises.
.PARAMETER MaximumAllowedServiceSessionsPerUser
    1 through 65535; default 0x2048 as the seed advises.
.OUTPUTS
    [pscustomobject] @{ before; after; changed; messages }
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory)]
    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string] $Server,

    [ValidateRange(1, 65535)]
    [int] $MaximumAllowedSessionsPerUser = 0x2048,

    [ValidateRange(1, 65535)]
    [int] $MaximumAllowedServiceSessionsPerUser = 0x2048
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$key = 'HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem'
$wanted = [ordered]@{
    'Maximum Allowed Sessions Per User'         = $MaximumAllowedSessionsPerUser
    'Maximum Allowed Service Sessions Per User' = $MaximumAllowedServiceSessionsPerUser
}

function Read-Limits {
    $values = [ordered]@{ Server = $Server }
    foreach ($name in $wanted.Keys) {
        $value = Get-ExchangeHostRegistryValue -Server $Server -Path $key -Name $name
        $values[$name] = if ($null -eq $value) { $null } else { [long]$value.Value }
    }
    [pscustomobject]$values
}

$messages = [System.Collections.Generic.List[string]]::new()
$before = Read-Limits
$changed = $false

foreach ($name in $wanted.Keys) {
    $current = $before.$name
    $target = $wanted[$name]
    $shown = if ($null -eq $current) { 'absent' } else { '0x{0:X}' -f $current }
    if ($current -eq $target) {
        $messages.Add("${Server}: '$name' is already 0x$('{0:X}' -f $target); nothing to change.")
        continue
    }
    $plan = "'$name' $shown -> 0x$('{0:X}' -f $target) (DWORD)"
    if ($PSCmdlet.ShouldProcess("$Server $key", "Set $plan")) {
        Set-ExchangeHostRegistryValue -Server $Server -Path $key -Name $name -Value $target -Type DWord
        $changed = $true
        $messages.Add("${Server}: $plan.")
    }
    else {
        $messages.Add("${Server}: would set $plan.")
    }
}
if ($changed) { $messages.Add("${Server}: restart the IMAP4 services (Restart-ImapServices -Force) or the server for the store to read the new limits.") }

[pscustomobject]@{
    before   = $before
    after    = Read-Limits
    changed  = $changed
    messages = $messages.ToArray()
}
