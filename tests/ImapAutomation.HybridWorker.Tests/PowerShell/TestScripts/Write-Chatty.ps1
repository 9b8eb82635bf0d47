[CmdletBinding()]
param([int] $Lines = 5000)
foreach ($i in 1..$Lines) { Write-Verbose ("verbose line {0:d6} " -f $i + ('x' * 40)) }
'finished'
