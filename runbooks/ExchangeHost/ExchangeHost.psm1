<#
    Host operations the runbooks need beyond the Exchange cmdlets, for real Exchange servers: Windows services,
    the registry and TCP ports. The runbooks call these names (never Get-Service/Restart-Service directly), so the
    same runbook runs against production with this module and against the lab with lab/ExchangeLab, which exports
    the same functions with the same parameters over its state file.

    Services and registry are reached with Invoke-Command (WinRM) on the Exchange server; values travel as
    -ArgumentList, never as script text. Requires the worker account to be allowed to administer the server.
#>
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

function Get-ExchangeHostService {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9]{1,64}$')][string[]] $Name
    )
    Invoke-Command -ComputerName $Server -ArgumentList (, $Name) -ScriptBlock {
        param([string[]] $names)
        foreach ($n in $names) {
            $service = Get-Service -Name $n -ErrorAction Stop
            $process = Get-CimInstance -ClassName Win32_Service -Filter "Name='$($service.Name)'"
            $started = if ($process.ProcessId) { (Get-Process -Id $process.ProcessId -ErrorAction SilentlyContinue).StartTime } else { $null }
            [pscustomobject]@{
                Server    = $env:COMPUTERNAME
                Name      = $service.Name
                Status    = [string]$service.Status
                StartType = [string]$service.StartType
                StartTime = if ($started) { $started.ToUniversalTime() } else { $null }
            }
        }
    } | Select-Object -Property Server, Name, Status, StartType, StartTime
}

function Restart-ExchangeHostService {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9]{1,64}$')][string[]] $Name
    )
    if (-not $PSCmdlet.ShouldProcess("$($Name -join ', ') on $Server", 'Restart-Service')) { return }
    Invoke-Command -ComputerName $Server -ArgumentList (, $Name) -ScriptBlock {
        param([string[]] $names)
        foreach ($n in $names) { Restart-Service -Name $n -Force -ErrorAction Stop }
    }
}

function Get-ExchangeHostRegistryValue {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidatePattern('^HKLM:\\[A-Za-z0-9 _\\.-]{1,200}$')][string] $Path,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9 _.-]{1,128}$')][string] $Name
    )
    Invoke-Command -ComputerName $Server -ArgumentList $Path, $Name -ScriptBlock {
        param([string] $path, [string] $name)
        $key = Get-Item -LiteralPath $path -ErrorAction SilentlyContinue
        if ($null -eq $key -or $key.GetValueNames() -notcontains $name) { return $null }
        [pscustomobject]@{ Path = $path; Name = $name; Type = [string]$key.GetValueKind($name); Value = $key.GetValue($name) }
    } | Select-Object -Property Path, Name, Type, Value
}

function Set-ExchangeHostRegistryValue {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidatePattern('^HKLM:\\[A-Za-z0-9 _\\.-]{1,200}$')][string] $Path,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9 _.-]{1,128}$')][string] $Name,
        [Parameter(Mandatory)][ValidateRange(0, 4294967295)][long] $Value,
        [ValidateSet('DWord')][string] $Type = 'DWord'
    )
    if (-not $PSCmdlet.ShouldProcess("$Path\$Name on $Server", "Set $Type $Value")) { return }
    Invoke-Command -ComputerName $Server -ArgumentList $Path, $Name, $Value, $Type -ScriptBlock {
        param([string] $path, [string] $name, [long] $value, [string] $type)
        if (-not (Test-Path -LiteralPath $path)) { New-Item -Path $path -Force | Out-Null }
        # A DWORD above 0x7FFFFFFF is stored through its signed 32-bit pattern.
        New-ItemProperty -LiteralPath $path -Name $name -PropertyType $type -Value ([BitConverter]::ToInt32([BitConverter]::GetBytes([uint32]$value), 0)) -Force | Out-Null
    }
}

function Test-ExchangeHostPort {
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidateRange(1, 65535)][int] $Port,
        [ValidateRange(100, 60000)][int] $TimeoutMilliseconds = 3000
    )
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        $connect = $client.ConnectAsync($Server, $Port)
        $connect.Wait($TimeoutMilliseconds) -and $client.Connected
    }
    catch { $false }
    finally { $client.Dispose() }
}

Export-ModuleMember -Function Get-ExchangeHostService, Restart-ExchangeHostService, Get-ExchangeHostRegistryValue, Set-ExchangeHostRegistryValue, Test-ExchangeHostPort
