BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $runbooks = @(Get-ChildItem -Path (Join-Path $script:RepoRoot 'runbooks') -Filter '*.ps1' | ForEach-Object { @{ Name = $_.BaseName; Path = $_.FullName } })
}
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ExchangeLab

    function Get-ParamBlock([string] $Path) {
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        $ast.ParamBlock
    }
}

Describe 'The runbook catalog' {
    Context '<Name>' -ForEach $runbooks {
        It 'supports -WhatIf through SupportsShouldProcess' {
            $binding = (Get-ParamBlock $Path).Attributes | Where-Object { $_.TypeName.Name -eq 'CmdletBinding' }
            $binding | Should -Not -BeNullOrEmpty
            @($binding.NamedArguments | Where-Object { $_.ArgumentName -eq 'SupportsShouldProcess' }).Count | Should -Be 1
        }

        It 'types and validates every parameter' {
            foreach ($parameter in (Get-ParamBlock $Path).Parameters) {
                $name = $parameter.Name.VariablePath.UserPath
                $type = $parameter.StaticType
                $validators = @($parameter.Attributes | ForEach-Object { $_.TypeName.Name })
                $type | Should -Not -Be ([object]) -Because "-$name needs a type"
                if ($type -in [string], [string[]]) { $validators | Should -Contain 'ValidatePattern' -Because "-$name is a string" }
                if ($type -in [string], [string[]]) { $validators | Should -Contain 'ValidateLength' -Because "-$name is a string" }
                if ($type -in [int], [int[]]) { $validators | Should -Contain 'ValidateRange' -Because "-$name is a number" }
            }
        }

        It 'calls no dynamic code and reaches services and the registry only through the ExchangeHost functions' {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null)
            $commands = @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() })
            $forbidden = 'Invoke-Expression', 'iex', 'Add-Type', 'Get-Service', 'Restart-Service', 'Stop-Service', 'Start-Service', 'Set-ItemProperty', 'New-ItemProperty', 'Get-ItemProperty', 'Invoke-Command', 'Restart-Computer'
            @($commands | Where-Object { $_ -in $forbidden }) | Should -BeNullOrEmpty
            @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and $a.Member.Value -in 'InvokeScript', 'Create' }, $true)) | Should -BeNullOrEmpty
        }

        It 'returns before, after, changed and messages' {
            Use-LabFixture healthy | Out-Null
            $parameters = if ((Get-ParamBlock $Path).Parameters.Name.VariablePath.UserPath -contains 'Server' -and $Name -ne 'Get-ImapDiagnostics') { @{ Server = 'ex02' } } else { @{} }

            $result = & $Path @parameters

            @($result).Count | Should -Be 1
            @($result.PSObject.Properties.Name) | Should -Be @('before', 'after', 'changed', 'messages')
            $result.changed | Should -BeOfType ([bool])
            @($result.messages).Count | Should -BeGreaterThan 0
        }
    }

    It 'the production ExchangeHost module offers the lab''s host functions with the same parameters' {
        $production = Import-Module (Join-Path $script:RepoRoot 'runbooks' 'ExchangeHost' 'ExchangeHost.psd1') -PassThru -Force -Prefix 'Prod'
        try {
            $lab = Get-Module ExchangeLab
            $hostFunctions = @($lab.ExportedFunctions.Keys | Where-Object { $_ -like '*-ExchangeHost*' })
            @($production.ExportedFunctions.Keys | ForEach-Object { $_ -replace '-Prod', '-' } | Sort-Object) | Should -Be @($hostFunctions | Sort-Object)
            foreach ($name in $hostFunctions) {
                $prodName = $name -replace '-', '-Prod'
                $expected = @($lab.ExportedFunctions[$name].Parameters.Keys | Sort-Object)
                @($production.ExportedFunctions[$prodName].Parameters.Keys | Sort-Object) | Should -Be $expected -Because $name
            }
        }
        finally { Remove-Module $production }
    }
}
