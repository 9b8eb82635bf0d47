function Get-LabValue {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $Name)
    [pscustomobject]@{ name = $Name; from = 'LabModule' }
}
Export-ModuleMember -Function Get-LabValue
