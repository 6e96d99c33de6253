using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>
/// <c>fs.setuid</c> and <c>fs.setgid</c>: regular files that run with their owner's (group's) privileges, listed
/// one finding each from the tree's modes. Only executable files count (a set-group-id bit without group execute is
/// mandatory locking, not privilege); set-group-id directories (group inheritance) are not reported.
/// Severity: a set-user-id file owned by root is low and a set-group-id file info, since each is attack surface
/// rather than a flaw; critical when the file is world-writable (anyone can replace code that runs privileged),
/// high when a set-user-id file is group-writable, medium when a set-user-id file is not owned by root (an unexpected account's
/// privileges, and that account can rewrite it).
/// </summary>
public sealed class SetIdBinaryCheck : IAnalysisStep
{
    /// <summary>Rule id of set-user-id files (as the corpus manifests name it).</summary>
    public const string SetUidRuleId = "fs.setuid";

    /// <summary>Rule id of set-group-id files (as the corpus manifests name it).</summary>
    public const string SetGidRuleId = "fs.setgid";

    private const int SetUid = 0b100_000_000_000;
    private const int SetGid = 0b010_000_000_000;
    private const int AnyExecute = 0b001_001_001;
    private const int GroupWrite = 0b000_010_000;
    private const int OtherWrite = 0b000_000_010;

    /// <inheritdoc/>
    public string Name => "fs-setid";

    /// <inheritdoc/>
    public void Run(AnalysisResults results, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(sink);
        foreach (var layer in results.Layers.SelectMany(l => l.Descendants()))
        {
            foreach (var entry in layer.FileSystem?.Entries ?? [])
            {
                if (entry.Type != EntryType.File || entry.HardLinkTo is not null || (entry.Mode & AnyExecute) == 0)
                {
                    continue;
                }

                string location = layer.Location + ":" + entry.Path;
                string mode = Convert.ToString(entry.Mode & 0xFFF, 8).PadLeft(4, '0');
                if ((entry.Mode & SetUid) != 0)
                {
                    var (severity, why) = Judge(entry, setUid: true);
                    sink.Add(Finding.Of(location, entry.Path, SetUidRuleId, severity,
                        $"set-user-id file {entry.Path} runs as uid {entry.Uid}", $"mode {mode}, owner {entry.Uid}:{entry.Gid}{why}"));
                }

                if ((entry.Mode & SetGid) != 0)
                {
                    var (severity, why) = Judge(entry, setUid: false);
                    sink.Add(Finding.Of(location, entry.Path, SetGidRuleId, severity,
                        $"set-group-id file {entry.Path} runs as gid {entry.Gid}", $"mode {mode}, owner {entry.Uid}:{entry.Gid}{why}"));
                }
            }
        }
    }

    /// <summary>Severity of a set-id file and why.</summary>
    internal static (Severity Severity, string Why) Judge(FsEntry entry, bool setUid)
    {
        if ((entry.Mode & OtherWrite) != 0)
        {
            return (Severity.Critical, "; world-writable: anyone can replace code that runs privileged");
        }

        if (setUid && (entry.Mode & GroupWrite) != 0)
        {
            return (Severity.High, $"; writable by group {entry.Gid}");
        }

        if (setUid && entry.Uid != 0)
        {
            return (Severity.Medium, $"; owned by uid {entry.Uid}, not root");
        }

        return setUid ? (Severity.Low, "; owned by root") : (Severity.Info, "");
    }
}
