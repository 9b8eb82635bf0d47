#Requires -Version 7.4
<#
    The Exchange lab: the Exchange Management Shell cmdlets the runbook catalog uses, over a JSON state file.

    Exchange cannot run on these machines, so this module stands in for it where it matters to the runbooks:
    the documented parameter validation (ranges, ByteQuantifiedSize and Unlimited values, certificate Status
    values, -Services being additive, wildcard certificates refused for IMAP, unknown thumbprints and objects
    as errors) and the documented behaviour. Host operations that are not Exchange cmdlets (Windows services,
    the registry, TCP ports) are exposed under ExchangeHost* names that cannot shadow PowerShell's own
    Get-Service/Restart-Service; runbooks/ExchangeHost/ExchangeHost.psm1 implements the same names against real
    servers.

    State: Set-ExchangeLabState -Path <file>, or the EXCHANGELAB_STATE environment variable. Every call reads
    the file; every change rewrites it under an exclusive lock, so several runspaces can share one lab.
#>
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$script:StatePath = $null
$script:CallLog = [System.Collections.Generic.List[pscustomobject]]::new()

$script:ParametersSystemPath = 'HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem'
$script:CertificateStatuses = @('Unknown', 'Valid', 'Revoked', 'DateInvalid', 'Untrusted', 'Invalid', 'RevocationCheckFailure', 'PendingRequest')
# In the order of the AllowedServices flags (IMAP=1, POP=2, UM=4, IIS=8, SMTP=16, Federation=32, UMCallRouter=64), as Exchange prints them.
$script:CertificateServices = @('None', 'IMAP', 'POP', 'UM', 'IIS', 'SMTP', 'Federation', 'UMCallRouter')
$script:HostNamePattern = '^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$'
$script:Units = [ordered]@{ TB = 1TB; GB = 1GB; MB = 1MB; KB = 1KB; B = 1 }

#region State

function Set-ExchangeLabState {
    <# .SYNOPSIS Points the lab at a state file (overrides EXCHANGELAB_STATE). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][ValidateNotNullOrEmpty()][string] $Path)
    $full = [System.IO.Path]::GetFullPath($Path)
    if (-not [System.IO.File]::Exists($full)) { throw "Exchange lab state file '$full' does not exist." }
    $script:StatePath = $full
}

function Get-ExchangeLabState {
    <# .SYNOPSIS The state file in use, or with -Content the parsed state (for tests and demos). #>
    [CmdletBinding()]
    param([switch] $Content)
    $path = Resolve-LabStatePath
    if ($Content) { return Read-LabState }
    $path
}

function Get-ExchangeLabCallLog {
    <# .SYNOPSIS The lab cmdlets called since the module was imported or the log was cleared. #>
    [CmdletBinding()]
    param()
    $script:CallLog.ToArray()
}

function Clear-ExchangeLabCallLog {
    [CmdletBinding()]
    param()
    $script:CallLog.Clear()
}

function Resolve-LabStatePath {
    $path = if ($script:StatePath) { $script:StatePath } else { $env:EXCHANGELAB_STATE }
    if ([string]::IsNullOrWhiteSpace($path)) {
        throw 'The Exchange lab has no state file: call Set-ExchangeLabState -Path <file> or set EXCHANGELAB_STATE.'
    }
    $path
}

function ConvertFrom-LabJson([string] $Json, [string] $Path) {
    try {
        $state = ConvertFrom-Json -InputObject $Json -AsHashtable -DateKind String -Depth 32
    }
    catch {
        throw "Exchange lab state file '$Path' is not valid JSON: $($_.Exception.Message)"
    }
    if ($state -isnot [System.Collections.IDictionary] -or $null -eq $state['servers'] -or $null -eq $state['organization']) {
        throw "Exchange lab state file '$Path' must be an object with 'organization' and 'servers'."
    }
    $state
}

function Open-LabStateFile([System.IO.FileAccess] $Access, [System.IO.FileShare] $Share) {
    $path = Resolve-LabStatePath
    # Another runspace may hold the exclusive write lock for a moment: wait for it rather than fail.
    for ($attempt = 1; ; $attempt++) {
        try {
            return [System.IO.FileStream]::new($path, [System.IO.FileMode]::Open, $Access, $Share)
        }
        catch [System.IO.FileNotFoundException] {
            throw "Exchange lab state file '$path' does not exist."
        }
        catch [System.IO.IOException] {
            if ($attempt -ge 400) { throw "Exchange lab state file '$path' stayed locked: $($_.Exception.Message)" }
            Start-Sleep -Milliseconds 25
        }
    }
}

function Read-LabState {
    $stream = Open-LabStateFile -Access Read -Share Read
    try {
        $reader = [System.IO.StreamReader]::new($stream)
        ConvertFrom-LabJson -Json $reader.ReadToEnd() -Path $stream.Name
    }
    finally { $stream.Dispose() }
}

function Update-LabState([scriptblock] $Change) {
    # Read, change and write under one exclusive lock so that concurrent runbooks never lose each other's writes;
    # the change runs before anything is written, so a change that throws leaves the file as it was.
    # The change script block runs in a child scope and sees its caller's variables, so the locals here carry a
    # prefix that no caller uses.
    $labStream = Open-LabStateFile -Access ReadWrite -Share None
    try {
        $labReader = [System.IO.StreamReader]::new($labStream, [System.Text.UTF8Encoding]::new($false), $true, 4096, $true)
        $labState = ConvertFrom-LabJson -Json $labReader.ReadToEnd() -Path $labStream.Name
        $labReader.Dispose()
        $labResult = & $Change $labState
        $labBytes = [System.Text.UTF8Encoding]::new($false).GetBytes((ConvertTo-Json -InputObject $labState -Depth 32))
        $labStream.SetLength(0)
        $labStream.Write($labBytes, 0, $labBytes.Length)
        $labStream.Flush($true)
        $labResult
    }
    finally { $labStream.Dispose() }
}

function Add-LabCall([System.Management.Automation.InvocationInfo] $Invocation) {
    $script:CallLog.Add([pscustomobject]@{
            Command    = $Invocation.MyCommand.Name
            Parameters = @{} + $Invocation.BoundParameters
        })
}

function Get-LabNow { [DateTime]::UtcNow }

function ConvertTo-LabDate($Value) {
    if ($Value -is [DateTime]) { return $Value.ToUniversalTime() }
    [DateTime]::Parse([string]$Value, [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal')
}

function Format-LabDate([DateTime] $Value) { $Value.ToUniversalTime().ToString('o', [Globalization.CultureInfo]::InvariantCulture) }

function Get-LabDomainController([System.Collections.IDictionary] $State) {
    $dcs = @($State['organization']['domainControllers'])
    if ($dcs.Count -gt 0 -and $dcs[0]) { $dcs[0]['DnsHostName'] } else { 'dc.lab' }
}

function Find-LabServer([System.Collections.IDictionary] $State, [string] $Identity) {
    # Exchange resolves a ServerIdParameter by name or FQDN, case-insensitively.
    foreach ($server in @($State['servers'])) {
        if ($server['Name'] -ieq $Identity -or $server['Fqdn'] -ieq $Identity) { return $server }
    }
    throw "The operation couldn't be performed because object '$Identity' couldn't be found on '$(Get-LabDomainController $State)'."
}

function Find-LabThrottlingPolicy([System.Collections.IDictionary] $State, [string] $Identity) {
    foreach ($policy in @($State['organization']['throttlingPolicies'])) {
        if ($policy['Name'] -ieq $Identity) { return $policy }
    }
    throw "The operation couldn't be performed because object '$Identity' couldn't be found on '$(Get-LabDomainController $State)'."
}

function Assert-LabHostName([string] $Value, [string] $ParameterName) {
    if ($Value -notmatch $script:HostNamePattern) {
        throw "Cannot validate argument on parameter '$ParameterName'. '$Value' is not a valid host name."
    }
}

#endregion

#region Value types (ByteQuantifiedSize, Unlimited)

function ConvertTo-LabByteCount {
    <# .SYNOPSIS Parses a ByteQuantifiedSize as Exchange does: a number with an optional B/KB/MB/GB/TB unit; unqualified values are bytes. #>
    [CmdletBinding()]
    [OutputType([long])]
    param([Parameter(Mandatory)][AllowEmptyString()][string] $Value, [string] $ParameterName = 'Value')
    $text = $Value.Trim()
    # Exchange's own ToString form, e.g. "10 MB (10,485,760 bytes)", parses back to the exact byte count.
    if ($text -match '^[\d.]+\s*[KMGT]?B\s*\(([\d,]+) bytes\)$') {
        return [long]::Parse($Matches[1].Replace(',', ''), [Globalization.CultureInfo]::InvariantCulture)
    }
    if ($text -notmatch '^(?<n>\d{1,19}(?:\.\d{1,6})?)\s*(?<u>[KMGT]?B)?$') {
        throw "Cannot process argument transformation on parameter '$ParameterName'. '$Value' is not a valid size: use a number with an optional unit B, KB, MB, GB or TB (for example 10MB)."
    }
    $unit = if ($Matches['u']) { $Matches['u'].ToUpperInvariant() } else { 'B' }
    $bytes = [decimal]::Parse($Matches['n'], [Globalization.CultureInfo]::InvariantCulture) * $script:Units[$unit]
    if ($bytes -ne [decimal]::Truncate($bytes) -or $bytes -gt [long]::MaxValue) {
        throw "Cannot process argument transformation on parameter '$ParameterName'. '$Value' is not a whole number of bytes within range."
    }
    [long]$bytes
}

function Format-LabByteQuantifiedSize([long] $Bytes) {
    # Matches ByteQuantifiedSize.ToString(): the largest unit with a value of at least 1, then the exact bytes.
    $unit = 'B'
    foreach ($u in $script:Units.Keys) {
        if ($Bytes -ge $script:Units[$u]) { $unit = $u; break }
    }
    $scaled = [Math]::Round([decimal]$Bytes / $script:Units[$unit], 3)
    '{0} {1} ({2} bytes)' -f $scaled.ToString('0.###', [Globalization.CultureInfo]::InvariantCulture), $unit, $Bytes.ToString('N0', [Globalization.CultureInfo]::InvariantCulture)
}

function ConvertTo-LabUnlimitedUInt32([string] $Value, [string] $ParameterName) {
    # Unlimited<UInt32>: the literal Unlimited or a whole number 0..4294967295.
    if ($Value -ieq 'Unlimited') { return 'Unlimited' }
    [uint32]$parsed = 0
    if (-not [uint32]::TryParse($Value, [Globalization.NumberStyles]::None, [Globalization.CultureInfo]::InvariantCulture, [ref]$parsed)) {
        throw "Cannot process argument transformation on parameter '$ParameterName'. '$Value' is not Unlimited or a whole number from 0 through 4294967295."
    }
    [string]$parsed
}

#endregion

#region Organisation cmdlets

function Get-ExchangeServer {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string] $Identity)
    Add-LabCall $MyInvocation
    $state = Read-LabState
    $servers = if ($Identity) { @(Find-LabServer $state $Identity) } else { @($state['servers']) }
    foreach ($s in $servers) {
        [pscustomobject]@{
            PSTypeName          = 'ExchangeLab.ExchangeServer'
            Name                = $s['Name']
            Fqdn                = $s['Fqdn']
            ServerRole          = $s['ServerRole']
            Site                = $s['Site']
            AdminDisplayVersion = $s['AdminDisplayVersion']
        }
    }
}

function Get-AcceptedDomain {
    [CmdletBinding()]
    param()
    Add-LabCall $MyInvocation
    foreach ($d in @((Read-LabState)['organization']['acceptedDomains'])) {
        if ($d) { [pscustomobject]@{ PSTypeName = 'ExchangeLab.AcceptedDomain'; Name = $d['Name']; DomainName = $d['DomainName']; DomainType = $d['DomainType']; Default = [bool]$d['Default'] } }
    }
}

function Get-TransportAgent {
    [CmdletBinding()]
    param()
    Add-LabCall $MyInvocation
    foreach ($a in @((Read-LabState)['organization']['transportAgents'])) {
        if ($a) { [pscustomobject]@{ PSTypeName = 'ExchangeLab.TransportAgent'; Identity = $a['Identity']; Enabled = [bool]$a['Enabled']; Priority = [int]$a['Priority'] } }
    }
}

function Get-DomainController {
    [CmdletBinding()]
    param()
    Add-LabCall $MyInvocation
    foreach ($dc in @((Read-LabState)['organization']['domainControllers'])) {
        if ($dc) { [pscustomobject]@{ PSTypeName = 'ExchangeLab.DomainController'; Name = $dc['Name']; DnsHostName = $dc['DnsHostName']; ADSite = $dc['ADSite'] } }
    }
}

function Get-ReceiveConnector {
    [CmdletBinding()]
    param([string] $Server)
    Add-LabCall $MyInvocation
    $state = Read-LabState
    $servers = if ($Server) { @(Find-LabServer $state $Server) } else { @($state['servers']) }
    foreach ($s in $servers) {
        foreach ($c in @($s['receiveConnectors'])) {
            if (-not $c) { continue }
            [pscustomobject]@{
                PSTypeName    = 'ExchangeLab.ReceiveConnector'
                Identity      = "$($s['Name'])\$($c['Name'])"
                Name          = $c['Name']
                Server        = $s['Name']
                Bindings      = @($c['Bindings'])
                TransportRole = $c['TransportRole']
                Enabled       = [bool]$c['Enabled']
            }
        }
    }
}

#endregion

#region IMAP settings

function New-LabImapSettingsObject($Server) {
    $i = $Server['imapSettings']
    [pscustomobject]@{
        PSTypeName                = 'ExchangeLab.ImapSettings'
        Server                    = $Server['Name']
        X509CertificateName       = [string]$i['X509CertificateName']
        EnableGSSAPIAndNTLMAuth   = [bool]$i['EnableGSSAPIAndNTLMAuth']
        LoginType                 = $i['LoginType']
        MaxConnections            = [int]$i['MaxConnections']
        MaxConnectionFromSingleIP = [int]$i['MaxConnectionFromSingleIP']
        MaxConnectionsPerUser     = [int]$i['MaxConnectionsPerUser']
        MaxCommandSize            = [int]$i['MaxCommandSize']
        ProtocolLogEnabled        = [bool]$i['ProtocolLogEnabled']
        LogPerFileSizeQuota       = if ($i['LogPerFileSizeQuota'] -ieq 'Unlimited') { 'Unlimited' } else { Format-LabByteQuantifiedSize ([long]$i['LogPerFileSizeQuota']) }
        SSLBindings               = @($i['SSLBindings'])
        UnencryptedOrTLSBindings  = @($i['UnencryptedOrTLSBindings'])
        WhenChangedUTC            = ConvertTo-LabDate $i['WhenChangedUTC']
    }
}

function Get-ImapSettings {
    [CmdletBinding()]
    param([Parameter()][string] $Server)
    Add-LabCall $MyInvocation
    # Exchange reads the local server without -Server; the lab has no local server.
    if (-not $Server) { throw 'The Exchange lab has no local server: pass -Server.' }
    New-LabImapSettingsObject (Find-LabServer (Read-LabState) $Server)
}

function Set-ImapSettings {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory)][string] $Server,
        [string] $X509CertificateName,
        [bool] $EnableGSSAPIAndNTLMAuth,
        [ValidateRange(1, 2147483647)][int] $MaxConnections,
        [ValidateRange(1, 2147483647)][int] $MaxConnectionFromSingleIP,
        [ValidateRange(1, 2147483647)][int] $MaxConnectionsPerUser,
        [ValidateRange(1024, 16384)][int] $MaxCommandSize,
        [string] $LogPerFileSizeQuota,
        [bool] $ProtocolLogEnabled
    )
    Add-LabCall $MyInvocation
    $bound = $PSBoundParameters
    # Validate every value before the state is touched, so a bad call never half-applies.
    if ($bound.ContainsKey('X509CertificateName')) {
        if ($X509CertificateName.Contains('*')) {
            throw "Cannot validate argument on parameter 'X509CertificateName'. '$X509CertificateName' is a wildcard: IMAP needs the host name the clients connect to."
        }
        Assert-LabHostName $X509CertificateName 'X509CertificateName'
    }
    $quota = $null
    if ($bound.ContainsKey('LogPerFileSizeQuota')) {
        $quota = if ($LogPerFileSizeQuota -ieq 'Unlimited') { 'Unlimited' } else { ConvertTo-LabByteCount -Value $LogPerFileSizeQuota -ParameterName 'LogPerFileSizeQuota' }
    }
    if (-not $PSCmdlet.ShouldProcess("IMAP settings of $Server", 'Set-ImapSettings')) { return }
    Update-LabState {
        param($state)
        $settings = (Find-LabServer $state $Server)['imapSettings']
        foreach ($name in 'X509CertificateName', 'EnableGSSAPIAndNTLMAuth', 'MaxConnections', 'MaxConnectionFromSingleIP', 'MaxConnectionsPerUser', 'MaxCommandSize', 'ProtocolLogEnabled') {
            if ($bound.ContainsKey($name)) { $settings[$name] = $bound[$name] }
        }
        if ($null -ne $quota) { $settings['LogPerFileSizeQuota'] = $quota }
        $settings['WhenChangedUTC'] = Format-LabDate (Get-LabNow)
    } | Out-Null
}

#endregion

#region Throttling policies

$script:ThrottlingImapParameters = @('ImapMaxConcurrency', 'ImapMaxBurst', 'ImapRechargeRate', 'ImapCutoffBalance', 'ImapPercentTimeInAD', 'ImapPercentTimeInCAS', 'ImapPercentTimeInMailboxRPC', 'CPAMaxConcurrency', 'CPAMaxBurst', 'CPARechargeRate', 'CPACutoffBalance')

function Get-ThrottlingPolicy {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string] $Identity)
    Add-LabCall $MyInvocation
    $state = Read-LabState
    $policies = if ($Identity) { @(Find-LabThrottlingPolicy $state $Identity) } else { @($state['organization']['throttlingPolicies']) }
    foreach ($p in $policies) {
        $o = [ordered]@{ PSTypeName = 'ExchangeLab.ThrottlingPolicy'; Name = $p['Name']; ThrottlingPolicyScope = $p['ThrottlingPolicyScope']; IsDefault = [bool]$p['IsDefault'] }
        foreach ($name in $script:ThrottlingImapParameters) { $o[$name] = if ($p.Contains($name)) { [string]$p[$name] } else { 'Unlimited' } }
        [pscustomobject]$o
    }
}

function Set-ThrottlingPolicy {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory, Position = 0)][string] $Identity,
        [string] $ImapMaxConcurrency,
        [string] $ImapMaxBurst,
        [string] $ImapRechargeRate,
        [string] $ImapCutoffBalance,
        [string] $CPAMaxConcurrency
    )
    Add-LabCall $MyInvocation
    $values = @{}
    foreach ($name in 'ImapMaxConcurrency', 'ImapMaxBurst', 'ImapRechargeRate', 'ImapCutoffBalance', 'CPAMaxConcurrency') {
        if ($PSBoundParameters.ContainsKey($name)) { $values[$name] = ConvertTo-LabUnlimitedUInt32 $PSBoundParameters[$name] $name }
    }
    if (-not $PSCmdlet.ShouldProcess("throttling policy $Identity", 'Set-ThrottlingPolicy')) { return }
    Update-LabState {
        param($state)
        $policy = Find-LabThrottlingPolicy $state $Identity
        foreach ($name in $values.Keys) { $policy[$name] = $values[$name] }
    } | Out-Null
}

#endregion

#region Certificates

function Test-LabWildcardCertificate($Certificate) {
    (@($Certificate['CertificateDomains']) -like '`**').Count -gt 0 -or [string]$Certificate['Subject'] -match 'CN=\*'
}

function Get-LabCertificateStatus($Certificate) {
    # Exchange reports an expired or not-yet-valid certificate as DateInvalid whatever else is true of it.
    $now = Get-LabNow
    if ((ConvertTo-LabDate $Certificate['NotAfter']) -lt $now -or (ConvertTo-LabDate $Certificate['NotBefore']) -gt $now) { return 'DateInvalid' }
    [string]$Certificate['Status']
}

function Get-LabCertificateServices($Certificate) {
    $services = @(@($Certificate['Services']) | Where-Object { $_ -and $_ -ne 'None' })
    # AllowedServices is a flags enum; order its names as Exchange prints them.
    $ordered = @($script:CertificateServices | Where-Object { $services -contains $_ })
    if ($ordered.Count -eq 0) { 'None' } else { $ordered -join ', ' }
}

function Get-ExchangeCertificate {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string] $Thumbprint,
        [string] $Server
    )
    Add-LabCall $MyInvocation
    if (-not $Server) { throw 'The Exchange lab has no local server: pass -Server.' }
    $s = Find-LabServer (Read-LabState) $Server
    $certificates = @($s['certificates'] | Where-Object { $_ })
    if ($Thumbprint) {
        $certificates = @($certificates | Where-Object { $_['Thumbprint'] -ieq $Thumbprint })
        if ($certificates.Count -eq 0) { throw "The certificate with thumbprint $Thumbprint was not found on server $($s['Name'])." }
    }
    foreach ($c in $certificates) {
        [pscustomobject]@{
            PSTypeName         = 'ExchangeLab.ExchangeCertificate'
            Thumbprint         = $c['Thumbprint']
            Subject            = $c['Subject']
            Issuer             = $c['Issuer']
            CertificateDomains = @($c['CertificateDomains'])
            NotBefore          = ConvertTo-LabDate $c['NotBefore']
            NotAfter           = ConvertTo-LabDate $c['NotAfter']
            HasPrivateKey      = [bool]$c['HasPrivateKey']
            IsSelfSigned       = [bool]$c['IsSelfSigned']
            Services           = Get-LabCertificateServices $c
            Status             = Get-LabCertificateStatus $c
        }
    }
}

function Enable-ExchangeCertificate {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory, Position = 0)][ValidatePattern('^[0-9A-Fa-f]{40}$')][string] $Thumbprint,
        [Parameter(Mandatory)][string[]] $Services,
        [string] $Server,
        [switch] $Force
    )
    Add-LabCall $MyInvocation
    if (-not $Server) { throw 'The Exchange lab has no local server: pass -Server.' }
    # -Services takes "IMAP, POP" as one string or as an array, like the AllowedServices flags parameter.
    $requested = @($Services | ForEach-Object { $_ -split '\s*,\s*' } | Where-Object { $_ } | ForEach-Object {
            $name = $_
            $match = $script:CertificateServices | Where-Object { $_ -ieq $name }
            if (-not $match) { throw "Cannot process argument transformation on parameter 'Services'. '$name' is not one of $($script:CertificateServices -join ', ')." }
            $match
        })
    $state = Read-LabState
    $serverName = (Find-LabServer $state $Server)['Name']
    if (-not $PSCmdlet.ShouldProcess("certificate $Thumbprint on $serverName", "Enable-ExchangeCertificate -Services $($requested -join ',')")) { return }
    Update-LabState {
        param($state)
        $cert = @((Find-LabServer $state $Server)['certificates']) | Where-Object { $_ -and $_['Thumbprint'] -ieq $Thumbprint } | Select-Object -First 1
        if (-not $cert) { throw "The certificate with thumbprint $Thumbprint was not found on server $serverName." }
        if (-not $cert['HasPrivateKey']) { throw "The certificate with thumbprint $Thumbprint doesn't have a private key, so it can't be enabled for Exchange services." }
        $status = Get-LabCertificateStatus $cert
        if ($status -ne 'Valid') { throw "The certificate with thumbprint $Thumbprint has status $status; only a Valid certificate can be enabled for Exchange services." }
        if ((Test-LabWildcardCertificate $cert) -and ($requested -contains 'IMAP' -or $requested -contains 'POP')) {
            throw "The certificate with thumbprint $Thumbprint is a wildcard certificate. You can't enable a wildcard certificate for POP or IMAP: use Set-ImapSettings -X509CertificateName with the host name instead."
        }
        # Services are additive: enabling IMAP keeps what the certificate already serves.
        $cert['Services'] = @(@($cert['Services']) + $requested | Where-Object { $_ -and $_ -ne 'None' } | Select-Object -Unique)
        if ($cert['Services'].Count -eq 0) { $cert['Services'] = @('None') }
    } | Out-Null
}

#endregion

#region Managed Availability

function Get-ServerComponentState {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)][string] $Identity,
        [string] $Component
    )
    Add-LabCall $MyInvocation
    $s = Find-LabServer (Read-LabState) $Identity
    $states = @($s['componentStates'] | Where-Object { $_ })
    if ($Component) {
        $states = @($states | Where-Object { $_['Component'] -ieq $Component })
        if ($states.Count -eq 0) { throw "The component '$Component' is not a valid server component." }
    }
    foreach ($c in $states) {
        [pscustomobject]@{ PSTypeName = 'ExchangeLab.ServerComponentState'; Server = $s['Fqdn']; Component = $c['Component']; State = $c['State'] }
    }
}

#endregion

#region Host operations (services, registry, ports)

function Get-ExchangeHostService {
    <# .SYNOPSIS Windows service state on an Exchange server (production: Get-Service through Invoke-Command). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9]{1,64}$')][string[]] $Name
    )
    Add-LabCall $MyInvocation
    $s = Find-LabServer (Read-LabState) $Server
    foreach ($n in $Name) {
        $svc = @($s['services']) | Where-Object { $_ -and $_['Name'] -ieq $n } | Select-Object -First 1
        if (-not $svc) { throw "Cannot find any service with service name '$n' on $($s['Name'])." }
        [pscustomobject]@{
            PSTypeName = 'ExchangeLab.Service'
            Server     = $s['Name']
            Name       = $svc['Name']
            Status     = $svc['Status']
            StartType  = $svc['StartType']
            StartTime  = if ($svc['StartTime']) { ConvertTo-LabDate $svc['StartTime'] } else { $null }
        }
    }
}

function Restart-ExchangeHostService {
    <# .SYNOPSIS Restarts Windows services on an Exchange server (production: Restart-Service through Invoke-Command). #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9]{1,64}$')][string[]] $Name
    )
    Add-LabCall $MyInvocation
    if (-not $PSCmdlet.ShouldProcess("$($Name -join ', ') on $Server", 'Restart-Service')) { return }
    Update-LabState {
        param($state)
        $s = Find-LabServer $state $Server
        $targets = foreach ($n in $Name) {
            $svc = @($s['services']) | Where-Object { $_ -and $_['Name'] -ieq $n } | Select-Object -First 1
            if (-not $svc) { throw "Cannot find any service with service name '$n' on $($s['Name'])." }
            if ($svc['StartType'] -eq 'Disabled') { throw "Service '$n' cannot be started on $($s['Name']) because it is disabled." }
            $svc
        }
        foreach ($svc in $targets) {
            $svc['Status'] = 'Running'
            $svc['StartTime'] = Format-LabDate (Get-LabNow)
            $svc['RestartCount'] = 1 + [int]$svc['RestartCount']
        }
    } | Out-Null
}

function Get-ExchangeHostRegistryValue {
    <# .SYNOPSIS A registry value on an Exchange server, or $null when the key or value is absent. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidatePattern('^HKLM:\\[A-Za-z0-9 _\\.-]{1,200}$')][string] $Path,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9 _.-]{1,128}$')][string] $Name
    )
    Add-LabCall $MyInvocation
    $key = (Find-LabServer (Read-LabState) $Server)['registry'][$Path]
    if ($null -eq $key -or -not $key.Contains($Name)) { return $null }
    [pscustomobject]@{ PSTypeName = 'ExchangeLab.RegistryValue'; Path = $Path; Name = $Name; Type = $key[$Name]['Type']; Value = $key[$Name]['Value'] }
}

function Set-ExchangeHostRegistryValue {
    <# .SYNOPSIS Creates or sets a registry value (creating the key) on an Exchange server. #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidatePattern('^HKLM:\\[A-Za-z0-9 _\\.-]{1,200}$')][string] $Path,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9 _.-]{1,128}$')][string] $Name,
        [Parameter(Mandatory)][ValidateRange(0, 4294967295)][long] $Value,
        [ValidateSet('DWord')][string] $Type = 'DWord'
    )
    Add-LabCall $MyInvocation
    if (-not $PSCmdlet.ShouldProcess("$Path\$Name on $Server", "Set $Type $Value")) { return }
    Update-LabState {
        param($state)
        $s = Find-LabServer $state $Server
        if ($null -eq $s['registry']) { $s['registry'] = [ordered]@{} }
        if ($null -eq $s['registry'][$Path]) { $s['registry'][$Path] = [ordered]@{} }
        $s['registry'][$Path][$Name] = [ordered]@{ Type = $Type; Value = $Value }
    } | Out-Null
}

function Test-ExchangeHostPort {
    <# .SYNOPSIS Whether a TCP port on an Exchange server accepts a connection. #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory)][string] $Server,
        [Parameter(Mandatory)][ValidateRange(1, 65535)][int] $Port,
        [ValidateRange(100, 60000)][int] $TimeoutMilliseconds = 3000
    )
    Add-LabCall $MyInvocation
    @((Find-LabServer (Read-LabState) $Server)['listeningPorts']) -contains $Port
}

#endregion

Export-ModuleMember -Function @(
    'Set-ExchangeLabState', 'Get-ExchangeLabState', 'Get-ExchangeLabCallLog', 'Clear-ExchangeLabCallLog', 'ConvertTo-LabByteCount',
    'Get-ExchangeServer', 'Get-AcceptedDomain', 'Get-TransportAgent', 'Get-DomainController', 'Get-ReceiveConnector',
    'Get-ImapSettings', 'Set-ImapSettings', 'Get-ThrottlingPolicy', 'Set-ThrottlingPolicy',
    'Get-ExchangeCertificate', 'Enable-ExchangeCertificate', 'Get-ServerComponentState',
    'Get-ExchangeHostService', 'Restart-ExchangeHostService', 'Get-ExchangeHostRegistryValue', 'Set-ExchangeHostRegistryValue', 'Test-ExchangeHostPort'
)
