# Stands in for Restart-ImapServices: takes a second and reports when it ran, so tests can see overlap (or none).
[CmdletBinding(SupportsShouldProcess)]
param([Parameter(Mandatory)][string] $Server)
$start = [DateTimeOffset]::UtcNow.ToString('o')
Start-Sleep -Milliseconds 1000
[pscustomobject]@{
    before   = [pscustomobject]@{ server = $Server; start = $start }
    after    = [pscustomobject]@{ server = $Server; end = [DateTimeOffset]::UtcNow.ToString('o') }
    changed  = $true
    messages = @("restarted $Server")
}
