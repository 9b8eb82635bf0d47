# Stands in for Restart-ImapServices: runs longer than the test's visibility timeout, so the message must be renewed.
[CmdletBinding(SupportsShouldProcess)]
param([Parameter(Mandatory)][string] $Server)
Start-Sleep -Seconds 8
[pscustomobject]@{ before = @{ server = $Server }; after = @{ server = $Server }; changed = $true; messages = @("restarted $Server") }
