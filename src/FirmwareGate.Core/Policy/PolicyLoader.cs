namespace FirmwareGate.Core.Policy;

/// <summary>
/// Reads policy files (YAML, docs/policy.md, <c>schemas/policy.schema.json</c>): parse, check the shape the schema
/// describes and the semantics (rule ids, globs, version ranges, waivers), and build a <see cref="PolicyDocument"/>.
/// </summary>
public static class PolicyLoader
{
    /// <summary>The name errors give to policy text that has no file.</summary>
    public const string TextFileName = "<policy>";

    private const string StrictDefaultResource = "FirmwareGate.Core.Policy.strict-default.yml";
    private const string StarterPolicyResource = "FirmwareGate.Core.Policy.starter-policy.yml";

    private static readonly Lazy<PolicyDocument> Strict = new(LoadStrictDefault);
    private static readonly Lazy<string> Starter = new(() => ReadResource(StarterPolicyResource));

    /// <summary>Loads a policy file; <see cref="PolicyException"/> with every error (file, line, column) when it is not usable.</summary>
    public static PolicyDocument Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ReadFile(path), path) with { File = path };
    }

    /// <summary>Parses policy text; <paramref name="file"/> names it in errors.</summary>
    public static PolicyDocument Parse(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var (document, errors) = Read(yaml, file, keepPositions: true);
        return errors.Count > 0 ? throw new PolicyException(errors) : document with { File = file };
    }

    /// <summary>
    /// Every error of a policy file, for <c>policy check</c>: those <see cref="Load"/> raises, plus waivers already
    /// expired at <paramref name="now"/>. Empty when the file is fine.
    /// </summary>
    public static IReadOnlyList<PolicyError> Check(string path, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (document, errors) = Read(ReadFile(path), path, keepPositions: true);
        var expired = document.Waivers
            .Where(w => w.IsExpired(now))
            .Select(w => new PolicyError(path, w.Position ?? new SourcePosition(1, 1), $"waiver {w.Id} expired on {w.Expires:yyyy-MM-dd}; renew it with a new date and reason, or remove it"));
        return [.. errors.Concat(expired).OrderBy(e => e.Position.Line).ThenBy(e => e.Position.Column)];
    }

    /// <summary>The built-in strict default (docs/policy.md shows it), used when no policy file is given.</summary>
    public static PolicyDocument StrictDefault => Strict.Value;

    /// <summary>The YAML of the strict default, as docs/policy.md shows it.</summary>
    public static string StrictDefaultText => ReadResource(StrictDefaultResource);

    /// <summary>The commented starter policy <c>policy init</c> writes (also <c>samples/firmware-policy.yml</c>).</summary>
    public static string StarterPolicy => Starter.Value;

    private static (PolicyDocument Document, IReadOnlyList<PolicyError> Errors) Read(string yaml, string? file, bool keepPositions)
    {
        var errors = new PolicyErrors(string.IsNullOrEmpty(file) ? TextFileName : file);
        PolicyNode? root = PolicyYamlReader.Read(yaml, errors);
        PolicyDocument document = PolicyModelReader.Read(root, errors, keepPositions);
        return (document, errors.InFileOrder());
    }

    private static string ReadFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > PolicyYamlReader.MaxChars)
            {
                throw new PolicyException([new PolicyError(path, new SourcePosition(1, 1), $"the policy is larger than {PolicyYamlReader.MaxChars / 1024 / 1024} MiB; a policy file is a short hand-written document")]);
            }

            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PolicyException($"{path}: cannot read the policy file: {e.Message}", e);
        }
    }

    private static PolicyDocument LoadStrictDefault()
    {
        var (document, errors) = Read(ReadResource(StrictDefaultResource), "<strict-default>", keepPositions: false);
        return errors.Count > 0
            ? throw new InvalidOperationException("the built-in strict policy is invalid: " + errors[0])
            : document with { File = null, IsDefault = true };
    }

    private static string ReadResource(string name)
    {
        using Stream stream = typeof(PolicyLoader).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
