# Hangs well past any test timeout; the runner must stop it.
[CmdletBinding()]
param([string] $Marker)
Start-Sleep -Seconds 600
Set-Content -LiteralPath $Marker -Value 'should never be written'
