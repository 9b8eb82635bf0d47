<#
.SYNOPSIS
    Sets the size quota of each IMAP4 protocol log file on one Exchange server (10MB by default).
.DESCRIPTION
    The seed's "Set-ImapSettings -Server <ServerName> -LogPerFileSizeQuota 10MB". The value is a
    ByteQuantifiedSize (a number with an optional B, KB, MB or GB unit; unqualified values are bytes), kept by this
    runbook between 1MB and 1GB so that a typo cannot fill the log disk or roll the log every few lines.
    No change when the quota already has that many bytes.
.PARAMETER Server
    The Exchange server (NetBIOS name or FQDN).
.PARAMETER LogPerFileSizeQuota
    The quota, for example 10MB, 10 MB or 10485760.
.OUTPUTS
    [pscustomobject] @{ before; after; changed; messages }
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory)]
    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string] $Server,

    [ValidateLength(1, 16)]
    [ValidatePattern('^\d{1,10} ?(B|KB|MB|GB)?$')]
    [ValidateScript({
            $null = $_ -match '^(\d+) ?(B|KB|MB|GB)?$'
            $size = [long]$Matches[1] * $(switch ($Matches[2]) { 'KB' { 1KB } 'MB' { 1MB } 'GB' { 1GB } default { 1 } })
            if ($size -lt 1MB -or $size -gt 1GB) { throw "LogPerFileSizeQuota '$_' is outside 1MB through 1GB." }
            $true
        })]
    [string] $LogPerFileSizeQuota = '10MB'
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$null = $LogPerFileSizeQuota -match '^(\d+) ?(B|KB|MB|GB)?$'
$wantedBytes = [long]$Matches[1] * $(switch ($Matches[2]) { 'KB' { 1KB } 'MB' { 1MB } 'GB' { 1GB } default { 1 } })

# ByteQuantifiedSize prints as "10 MB (10,485,760 bytes)" both as a live object and deserialized from a remote
# session, so the exact byte count is read from that text; Unlimited has none.
function Get-QuotaBytes([string] $Text) {
    if ($Text -match '\(([\d,]+) bytes\)') { return [long]($Matches[1] -replace ',', '') }
    $null
}

$messages = [System.Collections.Generic.List[string]]::new()
$before = Get-ImapSettings -Server $Server | Select-Object -Property Server, ProtocolLogEnabled, @{ n = 'LogPerFileSizeQuota'; e = { [string]$_.LogPerFileSizeQuota } }
$changed = $false

if ((Get-QuotaBytes $before.LogPerFileSizeQuota) -eq $wantedBytes) {
    $messages.Add("${Server}: LogPerFileSizeQuota is already $($before.LogPerFileSizeQuota); nothing to change.")
}
else {
    $plan = "LogPerFileSizeQuota $($before.LogPerFileSizeQuota) -> $LogPerFileSizeQuota"
    if ($PSCmdlet.ShouldProcess($Server, "Set-ImapSettings $plan")) {
        Set-ImapSettings -Server $Server -LogPerFileSizeQuota $LogPerFileSizeQuota
        $changed = $true
        $messages.Add("${Server}: $plan.")
    }
    else {
        $messages.Add("${Server}: would set $plan.")
    }
}
if (-not $before.ProtocolLogEnabled) {
    $messages.Add("${Server}: ProtocolLogEnabled is False, so no IMAP4 protocol log is written; the quota applies once it is enabled.")
}

[pscustomobject]@{
    before   = $before
    after    = Get-ImapSettings -Server $Server | Select-Object -Property Server, ProtocolLogEnabled, @{ n = 'LogPerFileSizeQuota'; e = { [string]$_.LogPerFileSizeQuota } }
    changed  = $changed
    messages = $messages.ToArray()
}
