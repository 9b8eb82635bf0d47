<#
.SYNOPSIS
    Sets the IMAP and CPA budgets of the voice-mail system's throttling policy (NPUMAdminPolicy) to Unlimited.
.DESCRIPTION
    The seed's "Configuring the client through Set-ThrottlingPolicy": ImapMaxConcurrency, ImapMaxBurst,
    ImapRechargeRate, ImapCutoffBalance and CPAMaxConcurrency Unlimited on the policy the unified-messaging
    service account uses. The policy is organisation-wide (it lives in Active Directory): the server only names the
    incident's server, which the hybrid worker passes to every runbook, and is not used otherwise. Only the budgets that are not yet Unlimited are set; no change when all five are.
    The policy must exist (the voice-mail installation creates it and assigns it to its account): the runbook
    does not create one, since a new policy would apply to nobody.
.PARAMETER Server
    The Exchange server of the incident (NetBIOS name or FQDN); accepted for the worker's uniform call, not used.
.PARAMETER Identity
    The throttling policy's name; default NPUMAdminPolicy.
.OUTPUTS
    [pscustomobject] @{ before; after; changed; messages }
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [ValidateLength(1, 253)]
    [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')]
    [string] $Server,

    [ValidateLength(1, 64)]
    [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$')]
    [string] $Identity = 'NPUMAdminPolicy'
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$budgets = @('ImapMaxConcurrency', 'ImapMaxBurst', 'ImapRechargeRate', 'ImapCutoffBalance', 'CPAMaxConcurrency')
$properties = @('Name') + $budgets
$messages = [System.Collections.Generic.List[string]]::new()
$before = Get-ThrottlingPolicy -Identity $Identity | Select-Object -Property $properties
$changed = $false

$changes = @{}
foreach ($name in $budgets) {
    if ([string]$before.$name -ne 'Unlimited') { $changes[$name] = 'Unlimited' }
}

if ($changes.Count -eq 0) {
    $messages.Add("${Identity}: the IMAP and CPA budgets are already Unlimited; nothing to change.")
}
else {
    $plan = ($changes.Keys | Sort-Object | ForEach-Object { "$_ $($before.$_) -> Unlimited" }) -join ', '
    if ($PSCmdlet.ShouldProcess($Identity, "Set-ThrottlingPolicy $plan")) {
        Set-ThrottlingPolicy -Identity $Identity @changes
        $changed = $true
        $messages.Add("${Identity}: $plan.")
    }
    else {
        $messages.Add("${Identity}: would set $plan.")
    }
}

[pscustomobject]@{
    before   = $before
    after    = Get-ThrottlingPolicy -Identity $Identity | Select-Object -Property $properties
    changed  = $changed
    messages = $messages.ToArray()
}
