# Stands in for Restart-ImapServices and never returns: the worker must stop it at its timeout.
[CmdletBinding(SupportsShouldProcess)]
param([Parameter(Mandatory)][string] $Server)
Start-Sleep -Seconds 600
