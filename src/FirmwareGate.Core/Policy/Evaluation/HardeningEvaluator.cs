namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// <c>hardening:</c> a binary that a rule covers (a <c>paths</c> glob matches, no <c>except</c> glob does, its type
/// is listed when <c>types</c> is given) gets one violation per required property it lacks, at the strongest
/// level of the rules that require that property of it. An unknown value does not meet the requirement.
/// </summary>
internal static class HardeningEvaluator
{
    private static readonly HardeningProperty[] Properties = Enum.GetValues<HardeningProperty>();

    public static IEnumerable<Judged> Evaluate(IReadOnlyList<HardeningRule> rules, ScanFacts facts, GlobCache globs)
    {
        if (rules.Count == 0)
        {
            yield break;
        }

        var covering = new List<HardeningRule>(rules.Count);
        foreach (var binary in facts.Binaries)
        {
            covering.Clear();
            covering.AddRange(rules.Where(r => Covers(r, binary, globs)));
            if (covering.Count == 0)
            {
                continue;
            }

            foreach (var property in Properties)
            {
                var rule = StrongestRule.Of(covering.Where(r => r.Require.Contains(property)));
                if (rule is null || rule.Level == PolicyLevel.Off || Check(property, binary) is not { } problem)
                {
                    continue;
                }

                string ruleId = RuleIdOf(property);
                var violation = new Violation
                {
                    Kind = ViolationKind.Hardening,
                    RuleId = ruleId,
                    Ref = binary.Path,
                    Fingerprint = PolicyFingerprints.Hardening(ruleId, binary.Location),
                    Message = Messages.OneLine($"{binary.Path} {problem}"),
                    Location = binary.Location,
                    Path = binary.Path,
                    Level = rule.Level,
                    PolicyRule = rule.Id,
                    PolicyPosition = rule.Position,
                };
                yield return new Judged(violation, [], null, null);
            }
        }
    }

    /// <summary>The rule id of a property's violation (<c>hardening.full-relro</c>).</summary>
    public static string RuleIdOf(HardeningProperty property) => "hardening." + property switch
    {
        HardeningProperty.Nx => "nx",
        HardeningProperty.Pie => "pie",
        HardeningProperty.Relro => "relro",
        HardeningProperty.FullRelro => "full-relro",
        HardeningProperty.Canary => "canary",
        HardeningProperty.Fortify => "fortify",
        HardeningProperty.Stripped => "stripped",
        HardeningProperty.NoRpath => "no-rpath",
        _ => "cet",
    };

    private static bool Covers(HardeningRule rule, BinaryFact binary, GlobCache globs) =>
        globs.AnyPath(rule.Paths, binary.Path)
        && !globs.AnyPath(rule.Except, binary.Path)
        && (rule.Types.Count == 0 || rule.Types.Contains(binary.Type, StringComparer.OrdinalIgnoreCase));

    /// <summary>What is wrong with the property (the rest of a sentence after the path), null when it is met.</summary>
    private static string? Check(HardeningProperty property, BinaryFact b) => property switch
    {
        HardeningProperty.Nx => Flag(b.Nx, "has an executable stack (no NX)", "non-executable stack (NX)"),
        HardeningProperty.Pie => b.Pie switch
        {
            "yes" or "dso" => null,
            null => Unknown("position independence (PIE)"),
            _ => "is not a position-independent executable (PIE)",
        },
        HardeningProperty.Relro => b.Relro switch
        {
            "partial" or "full" => null,
            null => Unknown("RELRO"),
            _ => "has no RELRO",
        },
        HardeningProperty.FullRelro => b.Relro switch
        {
            "full" => null,
            null => Unknown("full RELRO"),
            _ => $"has {b.Relro} RELRO, not full RELRO",
        },
        HardeningProperty.Canary => Flag(b.Canary, "has no stack protector (canary)", "a stack protector (canary)"),
        HardeningProperty.Fortify => Flag(b.Fortify, "is not built with FORTIFY_SOURCE", "FORTIFY_SOURCE"),
        HardeningProperty.Stripped => Flag(b.Stripped, "is not stripped (has a symbol table)", "stripping"),
        HardeningProperty.NoRpath => NoRpath(b),
        _ => Cet(b),
    };

    private static string? Flag(bool? value, string missing, string what) => value switch
    {
        true => null,
        false => missing,
        null => Unknown(what),
    };

    private static string Unknown(string what) => $"requires {what}, which could not be decided";

    private static string? NoRpath(BinaryFact b) =>
        (string.IsNullOrEmpty(b.RPath), string.IsNullOrEmpty(b.RunPath)) switch
        {
            (true, true) => null,
            (false, true) => $"has an RPATH ({b.RPath})",
            (true, false) => $"has a RUNPATH ({b.RunPath})",
            _ => $"has an RPATH ({b.RPath}) and a RUNPATH ({b.RunPath})",
        };

    /// <summary>CET exists on x86 only; other machines meet the requirement.</summary>
    private static string? Cet(BinaryFact b) =>
        b.Arch is not ("x86" or "x86-64") ? null : Flag(b.Cet, "is not marked for CET (IBT and SHSTK)", "CET (IBT and SHSTK)");
}
