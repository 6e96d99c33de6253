using FirmwareGate.Core.Policy;

namespace FirmwareGate.Action;

/// <summary>The action's inputs (action.yml), checked. Paths stay as given: relative to the workspace.</summary>
internal sealed record ActionInputs
{
    /// <summary>Where <c>database: update</c> keeps the database, relative to the workspace (the documented cache path).</summary>
    public const string UpdatedDatabasePath = ".firmwaregate/vulndb.sqlite";

    /// <summary>The policy used when the <c>policy</c> input is empty and the repository has it.</summary>
    public const string ConventionalPolicyPath = ".github/firmware-policy.yml";

    public required IReadOnlyList<string> Images { get; init; }

    public string? Policy { get; init; }

    /// <summary>A database path, or null for none.</summary>
    public string? Database { get; init; }

    /// <summary><c>database: update</c>: refresh <see cref="UpdatedDatabasePath"/> first.</summary>
    public bool UpdateDatabase { get; init; }

    public string? Sbom { get; init; }

    public string? Sarif { get; init; }

    public string? Report { get; init; }

    /// <summary>Null: the policy decides.</summary>
    public PolicyLevel? IncompleteLevel { get; init; }

    public bool Comment { get; init; } = true;

    public bool Annotations { get; init; } = true;

    public string? Baseline { get; init; }

    /// <summary>Reads and checks the inputs; every problem is named in <paramref name="errors"/>.</summary>
    public static ActionInputs? Parse(ActionEnvironment environment, List<string> errors)
    {
        var images = environment.Input("images")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .ToList();
        if (images.Count == 0)
        {
            errors.Add("input 'images' is empty: give the firmware images to gate, paths or globs relative to the workspace, one per line");
        }

        string database = environment.Input("database");
        bool update = string.Equals(database, "update", StringComparison.OrdinalIgnoreCase);
        var inputs = new ActionInputs
        {
            Images = images,
            Policy = Optional(environment.Input("policy")),
            Database = update ? UpdatedDatabasePath : Optional(database),
            UpdateDatabase = update,
            Sbom = Optional(environment.Input("sbom")),
            Sarif = Optional(environment.Input("sarif")),
            Report = Optional(environment.Input("report")),
            IncompleteLevel = Switch(environment, "fail-on-incomplete", null, errors) switch
            {
                true => PolicyLevel.Error,
                false => PolicyLevel.Off,
                null => null,
            },
            Comment = Switch(environment, "comment", true, errors) ?? true,
            Annotations = Switch(environment, "annotations", true, errors) ?? true,
            Baseline = Optional(environment.Input("baseline")),
        };
        return errors.Count == 0 ? inputs : null;
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    /// <summary><c>on/off</c>, <c>true/false</c>, <c>yes/no</c> (any case); empty gives <paramref name="empty"/>.</summary>
    private static bool? Switch(ActionEnvironment environment, string name, bool? empty, List<string> errors)
    {
        string value = environment.Input(name);
        switch (value.ToUpperInvariant())
        {
            case "":
                return empty;
            case "ON" or "TRUE" or "YES":
                return true;
            case "OFF" or "FALSE" or "NO":
                return false;
            default:
                errors.Add($"input '{name}' is '{value}': use on or off (true or false)");
                return empty;
        }
    }
}
