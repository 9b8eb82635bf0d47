# Calls a command from the pre-imported lab module without importing it.
[CmdletBinding()]
param()
Get-LabValue -Name 'imap'
