# Shared by the runbook suites: a private copy of a lab fixture per test, and the checks that prove a call
# changed nothing (the state file's hash and the lab's call log).
Set-StrictMode -Version 3.0

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$script:LabModule = Join-Path $script:RepoRoot 'lab' 'ExchangeLab' 'ExchangeLab.psd1'
$script:Fixtures = Join-Path $script:RepoRoot 'lab' 'ExchangeLab' 'fixtures'

function Get-RunbookPath([string] $Name) { Join-Path $script:RepoRoot 'runbooks' "$Name.ps1" }

function Import-ExchangeLab { Import-Module $script:LabModule -Force -Global }

# Copies a fixture (broken or healthy) into the test's TestDrive and points the lab at it.
function Use-LabFixture([ValidateSet('broken', 'healthy')][string] $Name) {
    $path = Join-Path $TestDrive "$Name-$([guid]::NewGuid().ToString('n')).json"
    Copy-Item -LiteralPath (Join-Path $script:Fixtures "$Name.json") -Destination $path
    Set-ExchangeLabState -Path $path
    Clear-ExchangeLabCallLog
    $path
}

# Applies a change to the lab state directly (to build a scenario), bypassing the lab cmdlets.
function Edit-LabState([scriptblock] $Change) {
    # $Change sees this function's variables (dynamic scope): the prefix keeps them out of its way.
    $editPath = Get-ExchangeLabState
    $editState = Get-Content -LiteralPath $editPath -Raw | ConvertFrom-Json -AsHashtable -DateKind String
    & $Change $editState
    $editState | ConvertTo-Json -Depth 32 | Set-Content -LiteralPath $editPath -Encoding utf8NoBOM
    Clear-ExchangeLabCallLog
}

function Get-LabServerState([System.Collections.IDictionary] $State, [string] $Name) {
    @($State['servers'] | Where-Object { $_['Name'] -eq $Name })[0]
}

function Get-LabHash { (Get-FileHash -LiteralPath (Get-ExchangeLabState) -Algorithm SHA256).Hash }

function Get-LabChangeCalls {
    @(Get-ExchangeLabCallLog | Where-Object { $_.Command -match '^(Set|Enable|Restart)-' })
}

# Hostile values for a -Server parameter: command separators, subexpressions, oversized and malformed names.
function Get-HostileServerCases {
    @(
        @{ Case = 'a command after a semicolon'; Value = 'ex01; Restart-Computer -Force' }
        @{ Case = 'a subexpression'; Value = '$(Remove-Item -WhatIf -LiteralPath sentinel.txt)' }
        @{ Case = 'a pipeline'; Value = 'ex01 | Stop-Service MSExchangeIMAP4' }
        @{ Case = 'a 10 KB string'; Value = 'a' * 10240 }
        @{ Case = 'a label over 63 characters'; Value = ('b' * 64) + '.contoso.com' }
        @{ Case = 'a newline'; Value = "ex01`nRestart-Computer" }
        @{ Case = 'an empty string'; Value = '' }
        @{ Case = 'a leading hyphen'; Value = '-ex01' }
    )
}

# Runs a runbook with parameters that validation must refuse, and proves nothing ran: the call fails with a
# parameter-binding error, the lab saw no cmdlet at all, and the state file is byte for byte the same.
function Assert-RejectedBeforeAnyCmdlet([string] $Runbook, [hashtable] $Parameters) {
    $hash = Get-LabHash
    Clear-ExchangeLabCallLog
    $thrown = $null
    try { & $Runbook @Parameters | Out-Null } catch { $thrown = $_ }
    $thrown | Should -Not -BeNullOrEmpty -Because 'validation must refuse the value'
    $thrown.Exception | Should -BeOfType ([System.Management.Automation.ParameterBindingException])
    @(Get-ExchangeLabCallLog).Count | Should -Be 0 -Because 'no lab cmdlet may run before validation'
    Get-LabHash | Should -Be $hash
}

# Runs a runbook that must change nothing (a no-op on a correct state, or -WhatIf) and proves it did not:
# changed is false, no lab cmdlet that changes state was called, and the state file is byte for byte the same.
function Invoke-WithoutChange([scriptblock] $Invoke) {
    $hash = Get-LabHash
    Clear-ExchangeLabCallLog
    $result = & $Invoke
    $result.changed | Should -BeFalse
    Get-LabChangeCalls | Should -BeNullOrEmpty
    Get-LabHash | Should -Be $hash
    $result
}

# The runbook's messages as one text, for -Match.
function Get-Messages($Result) { $Result.messages -join "`n" }
