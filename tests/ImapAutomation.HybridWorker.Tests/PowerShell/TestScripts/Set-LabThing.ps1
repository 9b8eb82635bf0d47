# Returns the runbook shape { before, after, changed, messages }, honouring -WhatIf.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)][string] $Server,
    [int] $Limit = 16
)
$before = [pscustomobject]@{ server = $Server; limit = 16 }
$changed = $false
$after = $before
if ($PSCmdlet.ShouldProcess($Server, "Set limit to $Limit")) {
    $after = [pscustomobject]@{ server = $Server; limit = $Limit }
    $changed = $true
}
Write-Verbose "checked $Server"
Write-Information "limit requested: $Limit"
[pscustomobject]@{
    before   = $before
    after    = $after
    changed  = $changed
    messages = @("limit on $Server is $($after.limit)")
}
