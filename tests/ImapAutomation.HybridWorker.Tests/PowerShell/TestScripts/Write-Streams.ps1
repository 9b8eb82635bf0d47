# Writes to every stream, including two non-terminating errors.
[CmdletBinding()]
param()
Write-Warning 'certificate expires soon'
Write-Verbose 'looking at ex01'
Write-Information 'step 1 of 2'
Write-Error 'first problem'
Write-Error 'second problem'
'done'
