using System.Text.Json;

namespace FirmwareGate.Action;

/// <summary>The pull request a run belongs to, read from the event payload (<c>GITHUB_EVENT_PATH</c>).</summary>
internal sealed record PullRequestEvent(int Number, string HeadSha, string? BaseSha)
{
    private const long MaxPayloadBytes = 64L << 20;

    /// <summary>
    /// The payload's <c>pull_request</c> (events <c>pull_request</c>, <c>pull_request_target</c>,
    /// <c>pull_request_review</c>...); null for other events or a payload without one. A payload that cannot be
    /// read is named in <paramref name="problem"/>.
    /// </summary>
    public static PullRequestEvent? Read(string? eventPath, out string? problem)
    {
        problem = null;
        if (eventPath is null || !File.Exists(eventPath))
        {
            return null;
        }

        try
        {
            if (new FileInfo(eventPath).Length > MaxPayloadBytes)
            {
                problem = $"{eventPath}: event payload larger than {MaxPayloadBytes >> 20} MiB, not read";
                return null;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(eventPath));
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("pull_request", out var pr) || pr.ValueKind != JsonValueKind.Object ||
                !pr.TryGetProperty("number", out var number) || !number.TryGetInt32(out int n) ||
                Sha(pr, "head") is not { } head)
            {
                return null;
            }

            return new PullRequestEvent(n, head, Sha(pr, "base"));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"{eventPath}: event payload not readable: {e.Message}";
            return null;
        }
    }

    private static string? Sha(JsonElement pr, string side) =>
        pr.TryGetProperty(side, out var s) && s.ValueKind == JsonValueKind.Object &&
        s.TryGetProperty("sha", out var sha) && sha.ValueKind == JsonValueKind.String && sha.GetString() is { Length: > 0 } value
            ? value
            : null;
}
