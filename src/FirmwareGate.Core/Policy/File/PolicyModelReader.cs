using System.Globalization;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// Maps a policy's YAML tree to a <see cref="PolicyDocument"/> by hand, key by key (the shape
/// <c>schemas/policy.schema.json</c> describes), and checks what the schema cannot: rule ids, globs, version
/// ranges, dates. Every problem is collected; the document holds what was valid.
/// </summary>
internal sealed partial class PolicyModelReader
{
    private static readonly string[] TopKeys = ["version", "baseline", "vulnerabilities", "hardening", "certificates", "private-keys", "accounts", "config", "findings", "components", "completeness", "database", "waivers"];
    private static readonly string[] VulnerabilityKeys = ["severity", "unrated", "cvss", "known-exploited", "epss", "undecidable", "unconfirmed"];
    private static readonly string[] HardeningKeys = ["paths", "except", "types", "require", "level"];
    private static readonly string[] BinaryTypes = ["executable", "shared-object"];
    private static readonly string[] FindingRuleParameters = ["paths", "min-severity"];
    private static readonly string[] ComponentKeys = ["deny", "require", "licenses"];
    private static readonly string[] DenyKeys = ["name", "versions", "reason", "level"];
    private static readonly string[] RequireKeys = ["name", "min-version", "unknown", "level"];
    private static readonly string[] LicenseKeys = ["deny", "level"];
    private static readonly string[] CompletenessKeys = ["incomplete", "max-unknown", "max-high-entropy"];
    private static readonly string[] DatabaseKeys = ["max-age-days", "missing"];
    private static readonly string[] WaiverKeys = ["cve", "rule", "path", "component", "versions", "reason", "owner", "expires", "analysis"];
    private static readonly string[] AnalysisKeys = ["state", "justification", "response", "detail"];
    private static readonly string[] Levels = ["error", "warning", "note", "off"];

    /// <summary>CycloneDX 1.6 <c>analysis.state</c> values.</summary>
    internal static readonly string[] VexStates = ["resolved", "resolved_with_pedigree", "exploitable", "in_triage", "false_positive", "not_affected"];

    /// <summary>CycloneDX 1.6 <c>analysis.justification</c> values.</summary>
    internal static readonly string[] VexJustifications = ["code_not_present", "code_not_reachable", "requires_configuration", "requires_dependency", "requires_environment", "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control"];

    /// <summary>CycloneDX 1.6 <c>analysis.response</c> values.</summary>
    internal static readonly string[] VexResponses = ["can_not_fix", "will_not_fix", "update", "rollback", "workaround_available"];

    /// <summary>Policy names of hardening properties.</summary>
    internal static readonly (string Name, HardeningProperty Property)[] Properties =
    [
        ("nx", HardeningProperty.Nx), ("pie", HardeningProperty.Pie), ("relro", HardeningProperty.Relro), ("full-relro", HardeningProperty.FullRelro),
        ("canary", HardeningProperty.Canary), ("fortify", HardeningProperty.Fortify), ("stripped", HardeningProperty.Stripped),
        ("no-rpath", HardeningProperty.NoRpath), ("cet", HardeningProperty.Cet),
    ];

    private static readonly (string Name, Severity Severity)[] FindingSeverityNames =
        [("critical", Severity.Critical), ("high", Severity.High), ("medium", Severity.Medium), ("low", Severity.Low), ("info", Severity.Info)];

    // A vulnerability record's severity "none" (CVSS 0.0) maps to Info.
    private static readonly (string Name, Severity Severity)[] VulnerabilitySeverityNames =
        [("critical", Severity.Critical), ("high", Severity.High), ("medium", Severity.Medium), ("low", Severity.Low), ("none", Severity.Info)];

    /// <summary>The finding sections: key in the file and the check rule id (or glob) it sets.</summary>
    private static readonly (string Section, (string Key, string Rule)[] Rules)[] FindingSections =
    [
        ("certificates", [("expired", "cert.expired"), ("not-yet-valid", "cert.not-yet-valid"), ("weak-key", "cert.weak-key"), ("weak-signature", "cert.weak-signature"), ("self-signed-leaf", "cert.self-signed-leaf")]),
        ("private-keys", [("unencrypted", "key.private-unencrypted"), ("encrypted", "key.private-encrypted"), ("any", "key.private-*"), ("tls-key-pair", "key.tls-key-pair"), ("published", "key.published")]),
        ("accounts", [("empty-password", "account.empty-password"), ("weak-hash", "account.weak-hash"), ("default-password", "account.default-password"), ("extra-uid0", "account.extra-uid0"), ("plaintext-password", "account.plaintext-password"), ("shadow-readable", "account.shadow-readable"), ("hash-not-checked", "account.hash-not-checked")]),
    ];

    private readonly PolicyErrors _errors;
    private readonly bool _keepPositions;
    private readonly List<FindingRule> _findingRules = [];
    private readonly Dictionary<string, FindingRule> _findingRuleByPattern = new(StringComparer.OrdinalIgnoreCase);

    private PolicyModelReader(PolicyErrors errors, bool keepPositions)
    {
        _errors = errors;
        _keepPositions = keepPositions;
    }

    /// <summary>
    /// The document the tree describes, as far as it is valid; <paramref name="errors"/> says what is not. A
    /// document with errors must not be used, except for its <see cref="PolicyDocument.Waivers"/> (each valid).
    /// </summary>
    public static PolicyDocument Read(PolicyNode? root, PolicyErrors errors, bool keepPositions) =>
        new PolicyModelReader(errors, keepPositions).ReadRoot(root);

    private PolicyDocument ReadRoot(PolicyNode? root)
    {
        var document = new PolicyDocument();
        if (root is null || root is ScalarNode { Kind: ScalarKind.Null })
        {
            if (_errors.Count == 0)
            {
                Error(root?.Start ?? new SourcePosition(1, 1), "the policy is empty; it needs at least 'version: 1' (firmwaregate policy init writes a starter policy)");
            }

            return document;
        }

        if (Mapping(root, "the policy") is not { } map)
        {
            return document;
        }

        if (Get(map, "version") is null)
        {
            Error(map.Start, "missing 'version: 1' (the policy file format version) at the top of the policy");
        }

        foreach (var (key, value) in Known(map, "the policy", TopKeys))
        {
            document = key.Value switch
            {
                "version" => document with { Version = ReadVersion(value) },
                "baseline" => document with { Baseline = ReadBaseline(value) },
                "vulnerabilities" => document with { Vulnerabilities = ReadVulnerabilities(value) },
                "hardening" => document with { Hardening = ReadHardening(value) },
                "config" => ReadConfig(value, document),
                "findings" => document with { FindingSeverities = ReadSeverityLevels(value, "findings", FindingSeverityNames) },
                "components" => document with { Components = ReadComponents(value) },
                "completeness" => document with { Completeness = ReadCompleteness(value) },
                "database" => document with { Database = ReadDatabase(value) },
                "waivers" => document with { Waivers = ReadWaivers(value) },
                _ => ReadFindingSection(key.Value, value, document),
            };
        }

        // An exact rule id decides before any glob, whatever the order in the file (each group keeps file order),
        // so "private-keys: { any: warning, unencrypted: error }" means what it says.
        return document with
        {
            Findings = [.. _findingRules.Where(r => IsExact(r.RulePattern)), .. _findingRules.Where(r => !IsExact(r.RulePattern))],
        };
    }

    private static bool IsExact(string pattern) => pattern.IndexOfAny(['*', '?', '[']) < 0;

    private int ReadVersion(PolicyNode value)
    {
        if (value is ScalarNode { Kind: ScalarKind.Int } s && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int version) && version == PolicyDocument.CurrentVersion)
        {
            return version;
        }

        Error(value.Start, $"version must be {PolicyDocument.CurrentVersion} (the only policy format this FirmwareGate reads), not {Describe(value)}");
        return PolicyDocument.CurrentVersion;
    }

    private BaselineMode ReadBaseline(PolicyNode value) => Text(value, "baseline") switch
    {
        "all" => BaselineMode.All,
        "new-only" => BaselineMode.NewOnly,
        null => BaselineMode.All,
        string other => ErrorValue(value, $"baseline: '{ScalarNode.Shorten(other)}' is not a baseline mode; use all or new-only", BaselineMode.All),
    };

    private VulnerabilityPolicy ReadVulnerabilities(PolicyNode value)
    {
        var policy = new VulnerabilityPolicy();
        if (Mapping(value, "vulnerabilities") is not { } map)
        {
            return policy;
        }

        foreach (var (key, node) in Known(map, "vulnerabilities", VulnerabilityKeys))
        {
            string id = "vulnerabilities." + key.Value;
            policy = key.Value switch
            {
                "severity" => policy with { Severity = ReadSeverityLevels(node, id, VulnerabilitySeverityNames) },
                "unrated" => policy with { Unrated = ReadSimple(key, node, id) },
                "cvss" => policy with { Cvss = ReadThreshold(key, node, id, "min", 0, 10, integer: false) },
                "known-exploited" => policy with { KnownExploited = ReadSimple(key, node, id) },
                "epss" => policy with { Epss = ReadThreshold(key, node, id, "min", 0, 1, integer: false) },
                "undecidable" => policy with { Undecidable = ReadUndecidable(key, node, id) },
                _ => policy with { Unconfirmed = ReadSimple(key, node, id) },
            };
        }

        return policy;
    }

    private UndecidableRule? ReadUndecidable(ScalarNode key, PolicyNode node, string id)
    {
        if (node is ScalarNode { Kind: ScalarKind.String, Value: "affected" })
        {
            return new UndecidableRule { Id = id, Level = PolicyLevel.Off, AsAffected = true, Position = Pos(key) };
        }

        if (node is ScalarNode { Kind: ScalarKind.String } s && !Levels.Contains(s.Value, StringComparer.Ordinal))
        {
            Error(s.Start, $"{id}: '{ScalarNode.Shorten(s.Value)}' is not a level or 'affected'; use error, warning, note, off or affected");
            return null;
        }

        return RuleValue(node, id, [], []) is { } rule ? new UndecidableRule { Id = id, Level = rule.Level, Position = Pos(key) } : null;
    }

    private IReadOnlyList<SeverityRule> ReadSeverityLevels(PolicyNode value, string section, (string Name, Severity Severity)[] names)
    {
        if (Mapping(value, section) is not { } map)
        {
            return [];
        }

        var rules = new List<SeverityRule>();
        foreach (var (key, node) in Known(map, section, [.. names.Select(n => n.Name)]))
        {
            string id = $"{section}.{key.Value}";
            if (RuleValue(node, id, [], []) is { } rule)
            {
                rules.Add(new SeverityRule { Id = id, Level = rule.Level, Severity = names.First(n => n.Name == key.Value).Severity, Position = Pos(key) });
            }
        }

        return rules;
    }

    private SimpleRule? ReadSimple(ScalarNode key, PolicyNode node, string id) =>
        RuleValue(node, id, [], []) is { } rule ? new SimpleRule { Id = id, Level = rule.Level, Position = Pos(key) } : null;

    private ThresholdRule? ReadThreshold(ScalarNode key, PolicyNode node, string id, string parameter, double min, double max, bool integer)
    {
        if (RuleValue(node, id, [parameter], [parameter]) is not { Map: { } map } rule || Get(map, parameter) is not { } value)
        {
            return null;
        }

        return Number(value, $"{id}.{parameter}", min, max, integer) is { } threshold
            ? new ThresholdRule { Id = id, Level = rule.Level, Min = threshold, Position = Pos(key) }
            : null;
    }

    private IReadOnlyList<HardeningRule> ReadHardening(PolicyNode value)
    {
        var rules = new List<HardeningRule>();
        if (Sequence(value, "hardening") is not { } list)
        {
            return rules;
        }

        for (int i = 0; i < list.Items.Count; i++)
        {
            string id = $"hardening[{i}]";
            if (Mapping(list.Items[i], id) is not { } map)
            {
                continue;
            }

            int before = _errors.Count;
            CheckKeys(map, id, HardeningKeys, ["paths", "require", "level"]);
            IReadOnlyList<string> paths = Get(map, "paths") is { } p ? PathGlobs(p, id + ".paths", allowEmpty: false) : [];
            IReadOnlyList<string> except = Get(map, "except") is { } e ? PathGlobs(e, id + ".except", allowEmpty: true) : [];
            IReadOnlyList<string> types = Get(map, "types") is { } t ? Names(t, id + ".types", BinaryTypes, allowEmpty: true) : [];
            IReadOnlyList<string> require = Get(map, "require") is { } r ? Names(r, id + ".require", [.. Properties.Select(x => x.Name)], allowEmpty: false) : [];
            PolicyLevel? level = Get(map, "level") is { } l ? Level(l, id + ".level") : null;
            if (_errors.Count == before && level is { } ok)
            {
                rules.Add(new HardeningRule
                {
                    Id = id,
                    Level = ok,
                    Paths = paths,
                    Except = except,
                    Types = types,
                    Require = [.. require.Select(name => Properties.First(x => x.Name == name).Property)],
                    Position = Pos(map),
                });
            }
        }

        return rules;
    }

    private PolicyDocument ReadFindingSection(string section, PolicyNode value, PolicyDocument document)
    {
        var rules = FindingSections.First(s => s.Section == section).Rules;
        if (Mapping(value, section) is { } map)
        {
            foreach (var (key, node) in Known(map, section, [.. rules.Select(r => r.Key)]))
            {
                AddFindingRule($"{section}.{key.Value}", rules.First(r => r.Key == key.Value).Rule, key, node);
            }
        }

        return document;
    }

    private PolicyDocument ReadConfig(PolicyNode value, PolicyDocument document)
    {
        if (Mapping(value, "config") is not { } map)
        {
            return document;
        }

        foreach (var (key, node) in map.Entries)
        {
            string? pattern = RuleIds.Resolve(key.Value, RuleIds.Findings, out string? error);
            if (pattern is null)
            {
                Error(key.Start, "config: " + error);
                continue;
            }

            AddFindingRule("config[" + key.Value + "]", pattern, key, node);
        }

        return document;
    }

    private void AddFindingRule(string id, string pattern, ScalarNode key, PolicyNode node)
    {
        if (RuleValue(node, id, FindingRuleParameters, []) is not { } rule)
        {
            return;
        }

        IReadOnlyList<string?> paths = [null];
        if (rule.Map is { } map && Get(map, "paths") is { } p)
        {
            paths = PathGlobs(p, id + ".paths", allowEmpty: false);
        }

        Severity? minSeverity = null;
        if (rule.Map is { } m && Get(m, "min-severity") is { } s && Text(s, id + ".min-severity") is { } name)
        {
            minSeverity = FindingSeverityNames.FirstOrDefault(n => n.Name == name) is { Name: not null } found
                ? found.Severity
                : ErrorValue<Severity?>(s, $"{id}.min-severity: '{ScalarNode.Shorten(name)}' is not a severity; use critical, high, medium, low or info", null);
        }

        if (_findingRuleByPattern.TryGetValue(pattern, out FindingRule? first))
        {
            Error(key.Start, $"{id}: '{pattern}' is already given by {first.Id}{(first.Position is { } at ? $" (line {at.Line})" : "")}; give each rule id one level");
            return;
        }

        foreach (string? path in paths)
        {
            var findingRule = new FindingRule { Id = id, Level = rule.Level, RulePattern = pattern, PathGlob = path, MinSeverity = minSeverity, Position = Pos(key) };
            _findingRules.Add(findingRule);
            _findingRuleByPattern.TryAdd(pattern, findingRule);
        }
    }

    private ComponentPolicy ReadComponents(PolicyNode value)
    {
        var policy = new ComponentPolicy();
        if (Mapping(value, "components") is not { } map)
        {
            return policy;
        }

        foreach (var (key, node) in Known(map, "components", ComponentKeys))
        {
            policy = key.Value switch
            {
                "deny" => policy with { Deny = Items(node, "components.deny", ReadDeny) },
                "require" => policy with { Require = Items(node, "components.require", ReadRequire) },
                _ => policy with { DenyLicenses = ReadLicenses(key, node) },
            };
        }

        return policy;
    }

    private ComponentDenyRule? ReadDeny(MappingNode map, string id)
    {
        int before = _errors.Count;
        CheckKeys(map, id, DenyKeys, ["name", "level"]);
        string? name = Get(map, "name") is { } n ? ComponentName(n, id + ".name") : null;
        VersionRange? versions = Get(map, "versions") is { } v ? Range(v, id + ".versions") : null;
        string? reason = Get(map, "reason") is { } r ? Text(r, id + ".reason") : null;
        PolicyLevel? level = Get(map, "level") is { } l ? Level(l, id + ".level") : null;
        return _errors.Count == before && name is not null && level is { } ok
            ? new ComponentDenyRule { Id = id, Level = ok, Name = name, Versions = versions, Reason = reason, Position = Pos(map) }
            : null;
    }

    private ComponentMinimumRule? ReadRequire(MappingNode map, string id)
    {
        int before = _errors.Count;
        CheckKeys(map, id, RequireKeys, ["name", "min-version", "level"]);
        string? name = Get(map, "name") is { } n ? ComponentName(n, id + ".name") : null;
        string? minimum = Get(map, "min-version") is { } v ? Version(v, id + ".min-version") : null;
        bool unknownFails = true;
        if (Get(map, "unknown") is { } u)
        {
            unknownFails = Text(u, id + ".unknown") switch
            {
                "error" or null => true,
                "accept" => false,
                string other => ErrorValue(u, $"{id}.unknown: '{ScalarNode.Shorten(other)}' is not accepted; use error (an unknown version is a violation) or accept", true),
            };
        }

        PolicyLevel? level = Get(map, "level") is { } l ? Level(l, id + ".level") : null;
        return _errors.Count == before && name is not null && minimum is not null && level is { } ok
            ? new ComponentMinimumRule { Id = id, Level = ok, Name = name, MinVersion = minimum, UnknownFails = unknownFails, Position = Pos(map) }
            : null;
    }

    private IReadOnlyList<LicenseDenyRule> ReadLicenses(ScalarNode key, PolicyNode node)
    {
        const string Id = "components.licenses";
        if (Mapping(node, Id) is not { } map)
        {
            return [];
        }

        int before = _errors.Count;
        CheckKeys(map, Id, LicenseKeys, ["deny", "level"]);
        var licenses = new List<string>();
        if (Get(map, "deny") is { } deny && TextItems(deny, Id + ".deny", allowEmpty: false) is { } items)
        {
            foreach (var (item, text) in items)
            {
                if (Glob.TryParse(text, ignoreCase: true, out string? error) is null)
                {
                    Error(item.Start, $"{Id}.deny: {error}");
                }

                licenses.Add(text);
            }
        }

        PolicyLevel? level = Get(map, "level") is { } l ? Level(l, Id + ".level") : null;
        return _errors.Count == before && level is { } ok ? [new LicenseDenyRule { Id = Id, Level = ok, Licenses = licenses, Position = Pos(key) }] : [];
    }

    private CompletenessPolicy ReadCompleteness(PolicyNode value)
    {
        var policy = new CompletenessPolicy();
        if (Mapping(value, "completeness") is not { } map)
        {
            return policy;
        }

        foreach (var (key, node) in Known(map, "completeness", CompletenessKeys))
        {
            string id = "completeness." + key.Value;
            policy = key.Value switch
            {
                "incomplete" => policy with { Incomplete = ReadSimple(key, node, id) },
                "max-unknown" => policy with { MaxUnknown = ReadThreshold(key, node, id, "share", 0, 1, integer: false) },
                _ => policy with { MaxHighEntropy = ReadThreshold(key, node, id, "share", 0, 1, integer: false) },
            };
        }

        return policy;
    }

    private DatabasePolicy ReadDatabase(PolicyNode value)
    {
        var policy = new DatabasePolicy();
        if (Mapping(value, "database") is not { } map)
        {
            return policy;
        }

        foreach (var (key, node) in Known(map, "database", DatabaseKeys))
        {
            string id = "database." + key.Value;
            policy = key.Value == "missing"
                ? policy with { Missing = ReadSimple(key, node, id) }
                : policy with { MaxAgeDays = ReadThreshold(key, node, id, "days", 0, 36_500, integer: true) };
        }

        return policy;
    }

    private IReadOnlyList<Waiver> ReadWaivers(PolicyNode value) => Items(value, "waivers", ReadWaiver);

    private Waiver? ReadWaiver(MappingNode map, string id)
    {
        int before = _errors.Count;
        CheckKeys(map, id, WaiverKeys, ["reason", "owner", "expires"]);
        string? cve = Get(map, "cve") is { } c ? VulnerabilityId(c, id + ".cve") : null;
        string? rule = null;
        if (Get(map, "rule") is { } r && Text(r, id + ".rule") is { } ruleText)
        {
            rule = RuleIds.Resolve(ruleText, RuleIds.All, out string? error) ?? ErrorValue<string?>(r, $"{id}.rule: {error}", null);
        }

        string? path = Get(map, "path") is { } p ? PathGlob(p, id + ".path") : null;
        string? component = Get(map, "component") is { } n ? ComponentName(n, id + ".component") : null;
        VersionRange? versions = Get(map, "versions") is { } v ? Range(v, id + ".versions") : null;
        string? reason = Get(map, "reason") is { } why ? Text(why, id + ".reason") : null;
        string? owner = Get(map, "owner") is { } who ? Text(who, id + ".owner") : null;
        DateOnly? expires = Get(map, "expires") is { } e ? Date(e, id + ".expires") : null;
        VexAnalysis? analysis = Get(map, "analysis") is { } a ? ReadAnalysis(a, id + ".analysis") : null;
        if (Get(map, "cve") is null && Get(map, "rule") is null && Get(map, "path") is null && Get(map, "component") is null)
        {
            Error(map.Start, $"{id} must say what it covers: cve, rule, path or component (several narrow it)");
        }

        if (Get(map, "versions") is { } versionsNode && Get(map, "component") is null && Get(map, "cve") is null)
        {
            Error(versionsNode.Start, $"{id}.versions limits a waiver on a component or a cve; add component or cve");
        }

        return _errors.Count == before && reason is not null && owner is not null && expires is { } day
            ? new Waiver { Id = id, Cve = cve, Rule = rule, Path = path, Component = component, Versions = versions, Reason = reason, Owner = owner, Expires = day, Analysis = analysis, Position = Pos(map) }
            : null;
    }

    private VexAnalysis? ReadAnalysis(PolicyNode node, string id)
    {
        if (Mapping(node, id) is not { } map)
        {
            return null;
        }

        int before = _errors.Count;
        CheckKeys(map, id, AnalysisKeys, ["state"]);
        string? state = Get(map, "state") is { } s ? OneOf(s, id + ".state", VexStates) : null;
        string? justification = Get(map, "justification") is { } j ? OneOf(j, id + ".justification", VexJustifications) : null;
        IReadOnlyList<string> responses = Get(map, "response") is { } r ? Names(r, id + ".response", VexResponses, allowEmpty: false) : [];
        string? detail = Get(map, "detail") is { } d ? Text(d, id + ".detail") : null;
        if (justification is not null && state is not null && state != "not_affected" && Get(map, "justification") is { } justificationNode)
        {
            Error(justificationNode.Start, $"{id}.justification goes with state not_affected (CycloneDX), not {state}");
        }

        return _errors.Count == before && state is not null ? new VexAnalysis(state, justification, responses, detail) : null;
    }

    // ---- rule values ----

    /// <summary>A rule value: a level, or a mapping with <c>level</c> and the rule's parameters.</summary>
    private (PolicyLevel Level, MappingNode? Map)? RuleValue(PolicyNode node, string id, string[] parameters, string[] required)
    {
        string accepted = parameters.Length == 0
            ? "a level (error, warning, note, off) or a mapping with level"
            : required.Length == 0
                ? $"a level (error, warning, note, off) or a mapping with level and {string.Join(", ", parameters)}"
                : $"a mapping with level and {string.Join(", ", required)}";
        switch (node)
        {
            case ScalarNode scalar when required.Length == 0:
                return Level(scalar, id) is { } level ? (level, null) : null;
            case MappingNode map:
                int before = _errors.Count;
                CheckKeys(map, id, ["level", .. parameters], ["level", .. required]);
                PolicyLevel? mapLevel = Get(map, "level") is { } l ? Level(l, id + ".level") : null;
                return _errors.Count == before && mapLevel is { } ok ? (ok, map) : null;
            default:
                Error(node.Start, $"{id} must be {accepted}, not {node.Describe()}{(required.Length > 0 ? $" (e.g. {{ {required[0]}: ..., level: error }})" : "")}");
                return null;
        }
    }

    private PolicyLevel? Level(PolicyNode node, string what)
    {
        if (node is ScalarNode { Kind: ScalarKind.String } s && PolicyLevelNames.TryParse(s.Value, out PolicyLevel level))
        {
            return level;
        }

        Error(node.Start, $"{what}: {Describe(node)} is not a level; use error, warning, note or off");
        return null;
    }

    // ---- typed values ----

    private MappingNode? Mapping(PolicyNode node, string what)
    {
        if (node is MappingNode map)
        {
            return map;
        }

        Error(node.Start, $"{what} must be a mapping ('key: value' lines), not {node.Describe()}");
        return null;
    }

    private SequenceNode? Sequence(PolicyNode node, string what)
    {
        if (node is SequenceNode list)
        {
            return list;
        }

        Error(node.Start, $"{what} must be a list ('- item' lines or [a, b]), not {node.Describe()}");
        return null;
    }

    private IReadOnlyList<T> Items<T>(PolicyNode node, string what, Func<MappingNode, string, T?> read)
        where T : class
    {
        var items = new List<T>();
        if (Sequence(node, what) is not { } list)
        {
            return items;
        }

        for (int i = 0; i < list.Items.Count; i++)
        {
            string id = $"{what}[{i}]";
            if (Mapping(list.Items[i], id) is { } map && read(map, id) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    private string? Text(PolicyNode node, string what)
    {
        if (node is ScalarNode { Kind: ScalarKind.String } s && !string.IsNullOrWhiteSpace(s.Value))
        {
            return s.Value;
        }

        Error(node.Start, $"{what} must be text, not {node.Describe()}{(node is ScalarNode { Kind: ScalarKind.Int or ScalarKind.Float or ScalarKind.Bool } ? " (quote it)" : "")}");
        return null;
    }

    private List<(ScalarNode Node, string Text)>? TextItems(PolicyNode node, string what, bool allowEmpty)
    {
        if (Sequence(node, what) is not { } list)
        {
            return null;
        }

        if (!allowEmpty && list.Items.Count == 0)
        {
            Error(list.Start, $"{what} must list at least one value");
            return null;
        }

        var items = new List<(ScalarNode, string)>();
        foreach (PolicyNode item in list.Items)
        {
            if (Text(item, what) is { } text)
            {
                items.Add(((ScalarNode)item, text));
            }
        }

        return items;
    }

    private IReadOnlyList<string> Names(PolicyNode node, string what, string[] accepted, bool allowEmpty)
    {
        var names = new List<string>();
        foreach (var (item, text) in TextItems(node, what, allowEmpty) ?? [])
        {
            if (!accepted.Contains(text, StringComparer.Ordinal))
            {
                Error(item.Start, $"{what}: '{ScalarNode.Shorten(text)}' is not accepted; use {string.Join(", ", accepted)}");
            }
            else if (names.Contains(text, StringComparer.Ordinal))
            {
                Error(item.Start, $"{what}: '{text}' is listed twice");
            }
            else
            {
                names.Add(text);
            }
        }

        return names;
    }

    private string? OneOf(PolicyNode node, string what, string[] accepted)
    {
        if (Text(node, what) is not { } text)
        {
            return null;
        }

        return accepted.Contains(text, StringComparer.Ordinal)
            ? text
            : ErrorValue<string?>(node, $"{what}: '{ScalarNode.Shorten(text)}' is not accepted; use {string.Join(", ", accepted)}", null);
    }

    private double? Number(PolicyNode node, string what, double min, double max, bool integer)
    {
        string kind = integer ? "a whole number" : "a number";
        if (node is ScalarNode { Kind: ScalarKind.Int or ScalarKind.Float } s
            && (!integer || s.Kind == ScalarKind.Int)
            && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            && number >= min && number <= max)
        {
            return number;
        }

        Error(node.Start, $"{what} must be {kind} from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not {node.Describe()}");
        return null;
    }

    private string? Version(PolicyNode node, string what)
    {
        if (node is not ScalarNode { Kind: ScalarKind.String or ScalarKind.Int or ScalarKind.Float } s || string.IsNullOrWhiteSpace(s.Value))
        {
            Error(node.Start, $"{what} must be a version such as 1.2.13, not {node.Describe()}");
            return null;
        }

        return VersionRange.TryParse(">= " + s.Value.Trim(), out string? error) is null
            ? ErrorValue<string?>(node, $"{what}: '{ScalarNode.Shorten(s.Value)}' is not a version: {error}", null)
            : s.Value.Trim();
    }

    private VersionRange? Range(PolicyNode node, string what)
    {
        if (node is not ScalarNode { Kind: ScalarKind.String or ScalarKind.Int or ScalarKind.Float } s)
        {
            Error(node.Start, $"{what} must be a version range such as '< 1.2.13', '>= 2.0, < 2.4 || 3.*', not {node.Describe()}");
            return null;
        }

        return VersionRange.TryParse(s.Value, out string? error)
            ?? ErrorValue<VersionRange?>(node, $"{what}: '{ScalarNode.Shorten(s.Value)}' is not a version range: {error}", null);
    }

    private IReadOnlyList<string> PathGlobs(PolicyNode node, string what, bool allowEmpty)
    {
        var globs = new List<string>();
        foreach (var (item, _) in TextItems(node, what, allowEmpty) ?? [])
        {
            if (PathGlob(item, what) is { } glob)
            {
                globs.Add(glob);
            }
        }

        return globs;
    }

    private string? PathGlob(PolicyNode node, string what)
    {
        if (Text(node, what) is not { } text)
        {
            return null;
        }

        if (!text.StartsWith('/') && !text.StartsWith("**", StringComparison.Ordinal))
        {
            Error(node.Start, $"{what}: '{ScalarNode.Shorten(text)}' must start with '/' or '**' (paths inside the image are absolute: /usr/sbin/*)");
            return null;
        }

        return Glob.TryParse(text, ignoreCase: false, out string? error) is null
            ? ErrorValue<string?>(node, $"{what}: {error}", null)
            : text;
    }

    private string? ComponentName(PolicyNode node, string what)
    {
        if (Text(node, what) is not { } text)
        {
            return null;
        }

        return Glob.TryParse(text, ignoreCase: true, out string? error) is null
            ? ErrorValue<string?>(node, $"{what}: {error}", null)
            : text;
    }

    private string? VulnerabilityId(PolicyNode node, string what)
    {
        if (Text(node, what) is not { } text)
        {
            return null;
        }

        return VulnerabilityIdPattern().IsMatch(text)
            ? text
            : ErrorValue<string?>(node, $"{what}: '{ScalarNode.Shorten(text)}' is not a vulnerability id (CVE-2023-45853, GHSA-xxxx-xxxx-xxxx, an OSV id)", null);
    }

    private DateOnly? Date(PolicyNode node, string what)
    {
        if (node is ScalarNode { Kind: ScalarKind.String } s
            && DatePattern().IsMatch(s.Value)
            && DateOnly.TryParseExact(s.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            return date;
        }

        Error(node.Start, $"{what} must be a date written YYYY-MM-DD (2027-01-31), not {node.Describe()}");
        return null;
    }

    // ---- keys ----

    /// <summary>The entries whose key is known; unknown keys are reported with the known ones.</summary>
    private IEnumerable<(ScalarNode Key, PolicyNode Value)> Known(MappingNode map, string where, string[] known)
    {
        foreach (var (key, value) in map.Entries)
        {
            if (known.Contains(key.Value, StringComparer.Ordinal))
            {
                yield return (key, value);
            }
            else
            {
                Error(key.Start, UnknownKey(key.Value, where, known));
            }
        }
    }

    private void CheckKeys(MappingNode map, string where, string[] known, string[] required)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (!known.Contains(key.Value, StringComparer.Ordinal))
            {
                Error(key.Start, UnknownKey(key.Value, where, known));
            }
        }

        foreach (string key in required)
        {
            if (Get(map, key) is null)
            {
                Error(map.Start, $"{where} needs '{key}'");
            }
        }
    }

    private static string UnknownKey(string key, string where, string[] known)
    {
        string? near = known.Where(k => RuleIds.Distance(key.Length > 100 ? key[..100] : key, k) <= 2).FirstOrDefault();
        return $"unknown key '{ScalarNode.Shorten(key)}' in {where}{(near is null ? "" : $"; did you mean '{near}'?")} (known: {string.Join(", ", known)})";
    }

    private static PolicyNode? Get(MappingNode map, string key)
    {
        foreach (var (name, value) in map.Entries)
        {
            if (name.Value == key)
            {
                return value;
            }
        }

        return null;
    }

    // ---- errors and positions ----

    private SourcePosition? Pos(ScalarNode key) => _keepPositions ? key.Start : null;

    private SourcePosition? Pos(MappingNode item) => _keepPositions ? item.Start : null;

    private void Error(SourcePosition at, string message) => _errors.Add(at, message);

    private T ErrorValue<T>(PolicyNode node, string message, T value)
    {
        Error(node.Start, message);
        return value;
    }

    private static string Describe(PolicyNode node) => node is ScalarNode { Kind: ScalarKind.String } s ? $"'{ScalarNode.Shorten(s.Value)}'" : node.Describe();

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex VulnerabilityIdPattern();

    [GeneratedRegex(@"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
