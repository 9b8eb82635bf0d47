<#
.SYNOPSIS
    Turns off Integrated Windows authentication (GSSAPI/NTLM) for IMAP4 on one Exchange server.
.DESCRIPTION
    The seed's "NTLM authentication protocol authentication" step (KB 3076376):
    Set-ImapSettings -EnableGSSAPIAndNTLMAuth $false. It changes how clients authenticate, so the policy asks for
    approval before it is queued. No change when NTLM is already off. Restart-ImapServices makes it take effect.
.PARAMETER Server
    The Exchange server (NetBIOS name or FQDN).
.OUTPUTS
    [pscustomobject] @{ before; after; changed; messages }
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory)]
    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string] $Server
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$messages = [System.Collections.Generic.List[string]]::new()
$before = Get-ImapSettings -Server $Server | Select-Object -Property Server, EnableGSSAPIAndNTLMAuth
$changed = $false

if (-not $before.EnableGSSAPIAndNTLMAuth) {
    $messages.Add("${Server}: EnableGSSAPIAndNTLMAuth is already False; nothing to change.")
}
else {
    $action = 'Set-ImapSettings -EnableGSSAPIAndNTLMAuth $false'
    if ($PSCmdlet.ShouldProcess($Server, $action)) {
        Set-ImapSettings -Server $Server -EnableGSSAPIAndNTLMAuth $false
        $changed = $true
        $messages.Add("${Server}: EnableGSSAPIAndNTLMAuth True -> False. Restart the IMAP4 services for it to take effect.")
    }
    else {
        $messages.Add("${Server}: would run $action (EnableGSSAPIAndNTLMAuth True -> False).")
    }
}

[pscustomobject]@{
    before   = $before
    after    = Get-ImapSettings -Server $Server | Select-Object -Property Server, EnableGSSAPIAndNTLMAuth
    changed  = $changed
    messages = $messages.ToArray()
}
