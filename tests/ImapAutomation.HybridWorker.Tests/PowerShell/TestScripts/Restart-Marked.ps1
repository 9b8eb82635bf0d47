# Stands in for Restart-ImapServices: leaves one line in the marker file per run, then takes its time,
# so a test can kill the worker in the middle and count how often the runbook really ran.
[CmdletBinding(SupportsShouldProcess)]
param([Parameter(Mandatory)][string] $Server)
Add-Content -LiteralPath $env:IMAPAUTO_TEST_MARKER -Value "ran on $Server"
Start-Sleep -Seconds 600
