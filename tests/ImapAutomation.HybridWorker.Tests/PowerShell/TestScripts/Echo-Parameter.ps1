# Echoes its parameters back exactly as bound.
[CmdletBinding()]
param([string] $Server, [string[]] $Names, [int] $Count, [bool] $Flag)
[pscustomobject]@{
    server = $Server
    names  = $Names
    count  = $Count
    flag   = $Flag
    type   = $Server.GetType().FullName
}
