using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// <c>components:</c> denied components (name glob and version range; a version the range cannot place is
/// denied, saying so), minimum versions (an unknown version fails unless the rule accepts it), and denied
/// licences (each SPDX id of each licence expression against the globs). One violation per component and rule id.
/// </summary>
internal static class ComponentEvaluator
{
    public const string DeniedRule = "component.denied";
    public const string MinVersionRule = "component.min-version";
    public const string LicenseRule = "component.license";

    public static IEnumerable<Judged> Evaluate(ComponentPolicy policy, ScanFacts facts, GlobCache globs)
    {
        if (policy.Deny.Count == 0 && policy.Require.Count == 0 && policy.DenyLicenses.Count == 0)
        {
            yield break;
        }

        foreach (var c in facts.Components)
        {
            if (Denied(policy, c, globs) is { } denied)
            {
                yield return denied;
            }

            if (TooOld(policy, c, globs) is { } old)
            {
                yield return old;
            }

            if (License(policy, c, globs) is { } license)
            {
                yield return license;
            }
        }
    }

    private static Judged? Denied(ComponentPolicy policy, ComponentFact c, GlobCache globs)
    {
        var matched = new List<(ComponentDenyRule Rule, bool Unknown)>();
        foreach (var rule in policy.Deny)
        {
            if (!globs.Name(rule.Name, c.Name))
            {
                continue;
            }

            bool? inRange = rule.Versions is null ? true : rule.Versions.Contains(c.Version);
            if (inRange != false)
            {
                matched.Add((rule, inRange is null));
            }
        }

        var deciding = StrongestRule.Of(matched.Select(m => m.Rule));
        if (deciding is null)
        {
            return null;
        }

        bool unknown = matched.First(m => ReferenceEquals(m.Rule, deciding)).Unknown;
        string range = deciding.Versions is null ? "" : $" (versions {deciding.Versions.Text})";
        string because = string.IsNullOrWhiteSpace(deciding.Reason) ? "" : $": {deciding.Reason}";
        string message = unknown
            ? $"{c.Name} {c.Version ?? ""}".TrimEnd() + $": version unknown, may be a denied version{range}{because}"
            : $"{Messages.Component(c.Name, c.Version)} is denied{range}{because}";
        return Violation(c, DeniedRule, deciding, message);
    }

    private static Judged? TooOld(ComponentPolicy policy, ComponentFact c, GlobCache globs)
    {
        var matched = new List<(ComponentMinimumRule Rule, string Problem)>();
        foreach (var rule in policy.Require)
        {
            if (!globs.Name(rule.Name, c.Name))
            {
                continue;
            }

            int? cmp = string.IsNullOrWhiteSpace(c.Version) ? null : VersionComparer.Compare(c.Version, rule.MinVersion);
            if (cmp is null && rule.UnknownFails)
            {
                matched.Add((rule, string.IsNullOrWhiteSpace(c.Version)
                    ? $"{c.Name}: version unknown, at least {rule.MinVersion} required"
                    : $"{c.Name} {c.Version}: version cannot be compared with the required minimum {rule.MinVersion}"));
            }
            else if (cmp < 0)
            {
                matched.Add((rule, $"{c.Name} {c.Version} is older than the required minimum {rule.MinVersion}"));
            }
        }

        var deciding = StrongestRule.Of(matched.Select(m => m.Rule));
        return deciding is null ? null : Violation(c, MinVersionRule, deciding, matched.First(m => ReferenceEquals(m.Rule, deciding)).Problem);
    }

    private static Judged? License(ComponentPolicy policy, ComponentFact c, GlobCache globs)
    {
        if (c.Licenses.Count == 0 || policy.DenyLicenses.Count == 0)
        {
            return null;
        }

        var ids = c.Licenses.SelectMany(SpdxIds).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var matched = new List<(LicenseDenyRule Rule, string Id)>();
        foreach (var rule in policy.DenyLicenses)
        {
            if (ids.FirstOrDefault(id => rule.Licenses.Any(g => globs.Name(g, id))) is { } id)
            {
                matched.Add((rule, id));
            }
        }

        var deciding = StrongestRule.Of(matched.Select(m => m.Rule));
        if (deciding is null)
        {
            return null;
        }

        string denied = string.Join(", ", matched.Select(m => m.Id).Distinct(StringComparer.OrdinalIgnoreCase));
        return Violation(c, LicenseRule, deciding, $"{Messages.Component(c.Name, c.Version)} is under a denied licence: {denied}");
    }

    /// <summary>The licence ids of an SPDX expression: operators, parentheses and <c>WITH</c> exceptions left out.</summary>
    internal static IEnumerable<string> SpdxIds(string expression)
    {
        var tokens = expression.Split([' ', '\t', '(', ')'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (token.Equals("WITH", StringComparison.OrdinalIgnoreCase))
            {
                i++;
                continue;
            }

            if (!token.Equals("AND", StringComparison.OrdinalIgnoreCase) && !token.Equals("OR", StringComparison.OrdinalIgnoreCase))
            {
                yield return token;
            }
        }
    }

    private static Judged? Violation(ComponentFact c, string ruleId, PolicyRule rule, string message)
    {
        if (rule.Level == PolicyLevel.Off)
        {
            return null;
        }

        var violation = new Violation
        {
            Kind = ViolationKind.Component,
            RuleId = ruleId,
            Ref = c.BomRef,
            Fingerprint = PolicyFingerprints.Component(ruleId, c.Key),
            Message = Messages.OneLine(message),
            Location = c.Location,
            Path = c.Path,
            Level = rule.Level,
            PolicyRule = rule.Id,
            PolicyPosition = rule.Position,
        };
        return new Judged(violation, [], c.Name, c.Version);
    }
}
