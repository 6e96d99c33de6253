namespace FirmwareGate.Core.Policy;

/// <summary>
/// Reads policy files (YAML, docs/policy.md, <c>schemas/policy.schema.json</c>): parse, check the shape the schema
/// describes and the semantics (rule ids, globs, version ranges, waivers), and build a <see cref="PolicyDocument"/>.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Loads a policy file; <see cref="PolicyException"/> with every error (file, line, column) when it is not usable.</summary>
    public static PolicyDocument Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        throw new NotImplementedException();
    }

    /// <summary>Parses policy text; <paramref name="file"/> names it in errors.</summary>
    public static PolicyDocument Parse(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        throw new NotImplementedException();
    }

    /// <summary>
    /// Every error of a policy file, for <c>policy check</c>: those <see cref="Load"/> raises, plus waivers already
    /// expired at <paramref name="now"/>. Empty when the file is fine.
    /// </summary>
    public static IReadOnlyList<PolicyError> Check(string path, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(path);
        throw new NotImplementedException();
    }

    /// <summary>The built-in strict default (docs/policy.md shows it), used when no policy file is given.</summary>
    public static PolicyDocument StrictDefault => throw new NotImplementedException();

    /// <summary>The commented starter policy <c>policy init</c> writes (also <c>samples/firmware-policy.yml</c>).</summary>
    public static string StarterPolicy => throw new NotImplementedException();
}
