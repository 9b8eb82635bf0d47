#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Installs (or updates) the ImapAutomation hybrid worker as a Windows service.

.DESCRIPTION
    Copies a self-contained win-x64 publish folder to InstallPath, creates the data folder for the request
    ledger with access for the service account and administrators only, registers the service to start
    automatically under a group managed service account, sets it to restart on failure, and starts it.
    Holds no secret: the worker authenticates to Azure Storage with its Azure Arc managed identity (or a
    certificate-based service principal from the machine store) and to Exchange with Kerberos as the gMSA.

.EXAMPLE
    .\Install-HybridWorker.ps1 -SourcePath .\publish -ServiceAccount 'CONTOSO\gmsa-imapworker$' -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # The output of: dotnet publish src/ImapAutomation.HybridWorker -c Release -r win-x64 --self-contained -o publish
    [Parameter(Mandatory)]
    [ValidateScript({ Test-Path -LiteralPath (Join-Path $_ 'ImapAutomation.HybridWorker.exe') })]
    [string] $SourcePath,

    # A group managed service account (ends with $), member of the Exchange role group the runbooks need.
    [Parameter(Mandatory)]
    [ValidatePattern('^[^\\]+\\[^\\]+\$$')]
    [string] $ServiceAccount,

    [string] $InstallPath = (Join-Path $env:ProgramFiles 'ImapAutomation\HybridWorker'),

    [string] $DataPath = (Join-Path $env:ProgramData 'ImapAutomation\HybridWorker'),

    [string] $ServiceName = 'ImapAutomationHybridWorker'
)

$ErrorActionPreference = 'Stop'
$exe = Join-Path $InstallPath 'ImapAutomation.HybridWorker.exe'
$existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue

if ($existing -and $existing.Status -ne 'Stopped' -and $PSCmdlet.ShouldProcess($ServiceName, 'Stop service for update')) {
    Stop-Service -Name $ServiceName
}

if ($PSCmdlet.ShouldProcess($InstallPath, "Copy worker files from $SourcePath")) {
    New-Item -ItemType Directory -Path $InstallPath -Force | Out-Null
    Copy-Item -Path (Join-Path $SourcePath '*') -Destination $InstallPath -Recurse -Force
}

if ($PSCmdlet.ShouldProcess($DataPath, "Create ledger folder writable by $ServiceAccount only")) {
    New-Item -ItemType Directory -Path $DataPath -Force | Out-Null
    $acl = New-Object System.Security.AccessControl.DirectorySecurity
    $acl.SetAccessRuleProtection($true, $false)
    $inherit = [System.Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
    $none = [System.Security.AccessControl.PropagationFlags]::None
    foreach ($identity in @('BUILTIN\Administrators', 'NT AUTHORITY\SYSTEM', $ServiceAccount)) {
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule($identity, 'Modify', $inherit, $none, 'Allow')
        $acl.AddAccessRule($rule)
    }
    Set-Acl -LiteralPath $DataPath -AclObject $acl
}

if (-not $existing -and $PSCmdlet.ShouldProcess($ServiceName, "Register service running $exe")) {
    New-Service -Name $ServiceName -BinaryPathName "`"$exe`"" -DisplayName 'ImapAutomation Hybrid Worker' `
        -Description 'Runs ImapAutomation runbooks against Exchange and verifies IMAP TLS.' -StartupType Automatic | Out-Null
}

if ($PSCmdlet.ShouldProcess($ServiceName, "Run as $ServiceAccount, restart on failure")) {
    # A gMSA has no password to give: sc.exe takes an empty one.
    & sc.exe config $ServiceName obj= $ServiceAccount password= '' | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe config failed with $LASTEXITCODE" }
    & sc.exe failure $ServiceName reset= 86400 actions= restart/60000/restart/60000/restart/300000 | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe failure failed with $LASTEXITCODE" }
    [Environment]::SetEnvironmentVariable('HybridWorker__LedgerPath', (Join-Path $DataPath 'ledger.jsonl'), 'Machine')
}

if ($PSCmdlet.ShouldProcess($ServiceName, 'Start service')) {
    Start-Service -Name $ServiceName
    Get-Service -Name $ServiceName
}
