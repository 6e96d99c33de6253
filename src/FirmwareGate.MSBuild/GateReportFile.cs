using System.Text.Json;

namespace FirmwareGate.MSBuild;

/// <summary>What the task reads back from the gate's JSON report: the policy section and the analysis warnings.</summary>
public sealed class GateReportFile
{
    /// <summary>Reports larger than this are not read (the gate's own report of a huge image stays far below).</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    /// <summary>The policy file the gate applied; null for the built-in default.</summary>
    public string? PolicyFile { get; private init; }

    /// <summary>pass, fail or incomplete.</summary>
    public required string Verdict { get; init; }

    /// <summary>Every violation, in report order.</summary>
    public required IReadOnlyList<ReportedViolation> Violations { get; init; }

    /// <summary>How many waivers waived something.</summary>
    public int WaiversApplied { get; private init; }

    /// <summary>Waivers past their expiry.</summary>
    public required IReadOnlyList<ReportedWaiver> ExpiredWaivers { get; init; }

    /// <summary>Unexpired waivers that matched nothing.</summary>
    public required IReadOnlyList<ReportedWaiver> StaleWaivers { get; init; }

    /// <summary><c>analysis.warnings[]</c>: what could not be read.</summary>
    public required IReadOnlyList<string> AnalysisWarnings { get; init; }

    /// <summary>Reads a report; throws <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static GateReportFile Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new InvalidDataException($"the gate wrote no report at '{path}'");
        }

        if (info.Length > MaxBytes)
        {
            throw new InvalidDataException($"'{path}' is larger than {MaxBytes} bytes");
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
            return FromRoot(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a gate report: {e.Message}", e);
        }
    }

    private static GateReportFile FromRoot(JsonElement root)
    {
        var policy = root.GetProperty("policy");
        if (policy.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("the report has no policy section");
        }

        var waivers = policy.GetProperty("waivers");
        return new GateReportFile
        {
            PolicyFile = OptionalString(policy, "file"),
            Verdict = policy.GetProperty("verdict").GetString() ?? "",
            Violations = [.. policy.GetProperty("violations").EnumerateArray().Select(ReadViolation)],
            WaiversApplied = waivers.GetProperty("applied").GetArrayLength(),
            ExpiredWaivers = [.. waivers.GetProperty("expired").EnumerateArray().Select(ReadWaiver)],
            StaleWaivers = [.. waivers.GetProperty("stale").EnumerateArray().Select(ReadWaiver)],
            AnalysisWarnings = root.TryGetProperty("analysis", out var analysis) && analysis.TryGetProperty("warnings", out var warnings)
                ? [.. warnings.EnumerateArray().Select(w => w.GetString() ?? "")]
                : [],
        };
    }

    private static ReportedViolation ReadViolation(JsonElement v) => new()
    {
        Kind = v.GetProperty("kind").GetString() ?? "finding",
        RuleId = v.GetProperty("ruleId").GetString() ?? "",
        Message = v.GetProperty("message").GetString() ?? "",
        Path = OptionalString(v, "path"),
        Level = v.GetProperty("level").GetString() ?? "note",
        PolicyRule = OptionalString(v, "policyRule"),
        PolicyLine = OptionalInt(v, "policyLine"),
        PolicyColumn = OptionalInt(v, "policyColumn"),
        WaivedBy = OptionalString(v, "waived"),
        InBaseline = v.TryGetProperty("inBaseline", out var b) && b.ValueKind == JsonValueKind.True,
        Fails = v.GetProperty("fails").GetBoolean(),
    };

    private static ReportedWaiver ReadWaiver(JsonElement w) =>
        new(OptionalString(w, "id") ?? "waiver", OptionalString(w, "owner"), OptionalString(w, "expires"), OptionalInt(w, "line"));

    private static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static int? OptionalInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : null;
}
