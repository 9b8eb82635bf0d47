[CmdletBinding()]
param()
Write-Warning 'about to fail'
throw 'Get-ExchangeCertificate: the server ex01 is unreachable'
