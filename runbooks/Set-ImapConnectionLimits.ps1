<#
.SYNOPSIS
    Sets the IMAP4 connection limits of one Exchange server: 200000 connections per user, the rest at Exchange's defaults.
.DESCRIPTION
    The seed's "Set the IMAP4 connection limits for a server": MaxConnectionsPerUser from the default 16 to 200000,
    "and make sure that all other connections are set to the default settings" (MaxConnections and
    MaxConnectionFromSingleIP 2147483647, MaxCommandSize 10240). Only the limits that differ are set, in one
    Set-ImapSettings call; no change when all four are already right. Restart-ImapServices makes it take effect.
.PARAMETER Server
    The Exchange server (NetBIOS name or FQDN).
.PARAMETER MaxConnectionsPerUser
    1 through 2147483647 (Exchange's range); default 200000 as the seed advises.
.PARAMETER MaxConnections
    1 through 2147483647; default 2147483647 (Exchange's default).
.PARAMETER MaxConnectionFromSingleIP
    1 through 2147483647; default 2147483647 (Exchange's default).
.PARAMETER MaxCommandSize
    1024 through 16384 bytes; default 10240 (Exchange's default).
.OUTPUTS
    [pscustomobject] @{ before; after; changed; messages }
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory)]
    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string] $Server,

    [ValidateRange(1, 2147483647)]
    [int] $MaxConnectionsPerUser = 200000,

    [ValidateRange(1, 2147483647)]
    [int] $MaxConnections = 2147483647,

    [ValidateRange(1, 2147483647)]
    [int] $MaxConnectionFromSingleIP = 2147483647,

    [ValidateRange(1024, 16384)]
    [int] $MaxCommandSize = 10240
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$limits = [ordered]@{
    MaxConnectionsPerUser     = $MaxConnectionsPerUser
    MaxConnections            = $MaxConnections
    MaxConnectionFromSingleIP = $MaxConnectionFromSingleIP
    MaxCommandSize            = $MaxCommandSize
}
$properties = @('Server') + @($limits.Keys)
$messages = [System.Collections.Generic.List[string]]::new()
$before = Get-ImapSettings -Server $Server | Select-Object -Property $properties
$changed = $false

$changes = @{}
foreach ($name in $limits.Keys) {
    if ($before.$name -ne $limits[$name]) { $changes[$name] = $limits[$name] }
}

if ($changes.Count -eq 0) {
    $messages.Add("${Server}: IMAP4 connection limits are already as wanted; nothing to change.")
}
else {
    $plan = ($changes.Keys | Sort-Object | ForEach-Object { "$_ $($before.$_) -> $($changes[$_])" }) -join ', '
    if ($PSCmdlet.ShouldProcess($Server, "Set-ImapSettings $plan")) {
        Set-ImapSettings -Server $Server @changes
        $changed = $true
        $messages.Add("${Server}: $plan. Restart the IMAP4 services for the limits to take effect.")
    }
    else {
        $messages.Add("${Server}: would set $plan.")
    }
}

[pscustomobject]@{
    before   = $before
    after    = Get-ImapSettings -Server $Server | Select-Object -Property $properties
    changed  = $changed
    messages = $messages.ToArray()
}
