using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImapAutomation.Infra.Tests;

/// <summary>
/// The security rules the compiled template must keep, as functions that list violations. The tests run them on the
/// real template (expecting none) and on tampered copies (expecting the tampering to be caught), so a rule that
/// silently stopped looking would fail.
/// </summary>
internal static partial class TemplateChecks
{
    public const string StorageAccountType = "Microsoft.Storage/storageAccounts";
    public const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    /// <summary>Roles that can change access or everything: never granted by this template.</summary>
    public static readonly IReadOnlyDictionary<string, string> PrivilegedRoles = new Dictionary<string, string>
    {
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"] = "Owner",
        ["b24988ac-6180-42dd-a1c8-6de4a0c8a6e4"] = "Contributor",
        ["18d7d88d-d35e-4fb0-a5c3-5773c6b72d2c"] = "User Access Administrator",
        ["f58310d9-a9f6-439a-9e8d-f62e7b41a168"] = "Role Based Access Control Administrator",
    };

    public static IReadOnlyList<string> StorageSecurity(ArmTemplate template)
    {
        var violations = new List<string>();
        var accounts = template.AllResourcesOfType(StorageAccountType).ToList();
        if (accounts.Count == 0)
        {
            violations.Add("no storage account in the template");
        }

        foreach (var (owner, account) in accounts)
        {
            var properties = account["properties"] as JsonObject ?? [];
            var where = $"storage account in module '{owner.DeploymentName}'";
            if (owner.Resolve(properties["allowSharedKeyAccess"])?.GetValue<bool>() != false)
            {
                violations.Add($"{where}: allowSharedKeyAccess is not false");
            }

            if (owner.Resolve(properties["minimumTlsVersion"])?.ToString() != "TLS1_2")
            {
                violations.Add($"{where}: minimumTlsVersion is not TLS1_2");
            }

            if (owner.Resolve(properties["allowBlobPublicAccess"])?.GetValue<bool>() != false)
            {
                violations.Add($"{where}: allowBlobPublicAccess is not false");
            }

            if (owner.Resolve(properties["supportsHttpsTrafficOnly"])?.GetValue<bool>() != true)
            {
                violations.Add($"{where}: supportsHttpsTrafficOnly is not true");
            }
        }

        return violations;
    }

    /// <summary>Every role assignment, with its role id resolved (null when the template computes it in a way we cannot read).</summary>
    public static IReadOnlyList<RoleAssignment> RoleAssignments(ArmTemplate template) =>
        template.AllResourcesOfType(RoleAssignmentType)
            .Select(x => new RoleAssignment(
                x.Template.DeploymentName,
                x.Resource["name"]?.ToString() ?? string.Empty,
                ResolveRoleId(x.Template, x.Resource["properties"]?["roleDefinitionId"]?.ToString()),
                x.Resource["properties"]?["principalId"]?.ToString() ?? string.Empty,
                x.Resource["scope"]?.ToString(),
                x.Resource["properties"]?["description"]?.ToString()))
            .ToList();

    public static IReadOnlyList<string> RoleAssignmentViolations(ArmTemplate template, IReadOnlySet<string> intendedRoleIds)
    {
        var violations = new List<string>();
        foreach (var assignment in RoleAssignments(template))
        {
            var where = $"role assignment {assignment.Name} in module '{assignment.Module}'";
            if (assignment.RoleId is null)
            {
                violations.Add($"{where}: role definition id cannot be read");
                continue;
            }

            if (PrivilegedRoles.TryGetValue(assignment.RoleId, out var privileged))
            {
                violations.Add($"{where}: grants {privileged}");
            }
            else if (!intendedRoleIds.Contains(assignment.RoleId))
            {
                violations.Add($"{where}: role {assignment.RoleId} is not one of the intended roles");
            }

            // guid(...) names make re-deployments idempotent; a literal or random name would duplicate or collide.
            if (!assignment.Name.StartsWith("[guid(", StringComparison.Ordinal))
            {
                violations.Add($"{where}: name is not a guid(...) expression");
            }

            if (string.IsNullOrWhiteSpace(assignment.Description))
            {
                violations.Add($"{where}: no description saying why it exists");
            }
        }

        return violations;
    }

    /// <summary>Outputs end up in deployment history and azd's .env file: no secure types, no list*() calls, no secure parameters.</summary>
    public static IReadOnlyList<string> OutputViolations(ArmTemplate template)
    {
        var violations = new List<string>();
        foreach (var owner in template.All())
        {
            var secureParameters = owner.Parameters
                .Where(p => IsSecureType(p.Value?["type"]?.ToString()))
                .Select(p => p.Key)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, output) in owner.Outputs)
            {
                var where = $"output {name} of module '{owner.DeploymentName}'";
                if (IsSecureType(output?["type"]?.ToString()))
                {
                    violations.Add($"{where}: has a secure type");
                }

                var text = ArmTemplate.Text(output?["value"]);
                if (ListFunction().IsMatch(text))
                {
                    violations.Add($"{where}: calls a list*() function");
                }

                foreach (Match match in ParameterReference().Matches(text))
                {
                    if (secureParameters.Contains(match.Groups["name"].Value))
                    {
                        violations.Add($"{where}: returns the secure parameter {match.Groups["name"].Value}");
                    }
                }

                if (SecretLikeName().IsMatch(name))
                {
                    violations.Add($"{where}: its name says it holds a secret");
                }
            }
        }

        return violations;
    }

    /// <summary>list*() calls (keys) are allowed only inside an action group (the ReceiveAlert webhook), never in a module's inputs.</summary>
    public static IReadOnlyList<string> ListCallViolations(ArmTemplate template)
    {
        var violations = new List<string>();
        foreach (var (owner, resource) in template.AllResources())
        {
            var type = ArmTemplate.TypeOf(resource);
            var text = type == "Microsoft.Resources/deployments"
                ? ArmTemplate.Text(resource["properties"]?["parameters"])
                : ArmTemplate.Text(resource);
            if (ListFunction().IsMatch(text) && type != "Microsoft.Insights/actionGroups")
            {
                violations.Add($"{type} '{resource["name"]}' in module '{owner.DeploymentName}' calls a list*() function");
            }
        }

        return violations;
    }

    private static bool IsSecureType(string? type) =>
        string.Equals(type, "securestring", StringComparison.OrdinalIgnoreCase) || string.Equals(type, "secureObject", StringComparison.OrdinalIgnoreCase);

    /// <summary>Custom role definitions of the deployment, each with the id its assignments resolve to (<c>custom:</c> + name expression).</summary>
    public static IReadOnlyList<CustomRole> CustomRoles(ArmTemplate template) =>
        template.AllResourcesOfType("Microsoft.Authorization/roleDefinitions")
            .Select(x =>
            {
                var properties = x.Resource["properties"];
                var permissions = properties?["permissions"]?.AsArray().Select(p => p!).ToList() ?? [];
                List<string> Strings(string name) => [.. permissions.SelectMany(p => p[name]?.AsArray() ?? []).Select(v => v!.ToString())];
                return new CustomRole(
                    x.Template.DeploymentName,
                    "custom:" + (x.Resource["name"]?.ToString() ?? string.Empty).Trim('[', ']'),
                    properties?["roleName"]?.ToString() ?? string.Empty,
                    Strings("actions"),
                    Strings("dataActions"),
                    [.. properties?["assignableScopes"]?.AsArray().Select(v => v!.ToString()) ?? []]);
            })
            .ToList();

    private static string? ResolveRoleId(ArmTemplate owner, string? expression)
    {
        // A custom role defined in the same template: resourceId('Microsoft.Authorization/roleDefinitions', <its name>).
        var custom = CustomRoleCall().Match(expression ?? string.Empty);
        if (custom.Success && CustomRoles(owner).Any(r => r.Module == owner.DeploymentName && r.Id == "custom:" + custom.Groups["name"].Value))
        {
            return "custom:" + custom.Groups["name"].Value;
        }

        var call = RoleDefinitionCall().Match(expression ?? string.Empty);
        if (!call.Success)
        {
            return null;
        }

        var argument = call.Groups["argument"].Value;
        var id = argument.StartsWith('\'') ? argument.Trim('\'') : owner.Resolve(JsonValue.Create($"[{argument}]"))?.ToString();
        return id is not null && RoleGuid().IsMatch(id) ? id.ToLowerInvariant() : null;
    }

    [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', (?<argument>[^()]+|variables\('\w+'\)(\.\w+)?)\)\]$")]
    private static partial Regex RoleDefinitionCall();

    [GeneratedRegex(@"^\[resourceId\('Microsoft\.Authorization/roleDefinitions', (?<name>variables\('\w+'\))\)\]$")]
    private static partial Regex CustomRoleCall();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex RoleGuid();

    [GeneratedRegex(@"\blist\w*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();

    [GeneratedRegex(@"parameters\('(?<name>\w+)'\)")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"(secret|password|key$|keys|connectionstring|token|sas)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLikeName();
}

internal sealed record CustomRole(string Module, string Id, string RoleName, IReadOnlyList<string> Actions, IReadOnlyList<string> DataActions, IReadOnlyList<string> AssignableScopes);

internal sealed record RoleAssignment(string Module, string Name, string? RoleId, string PrincipalId, string? Scope, string? Description);
