using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>
/// <c>fs.world_writable</c>: regular files and directories any local user (any compromised service) may change,
/// read from the tree's modes only. Exempt: the scratch directories <c>/tmp</c>, <c>/var/tmp</c>, <c>/dev/shm</c>,
/// <c>/run/shm</c>, <c>/run/lock</c>, <c>/var/lock</c> and everything under them. Symlinks (always 0777, their mode
/// means nothing), device nodes, FIFOs and sockets are not reported. Severity: high for an executable file or a
/// file under a code or boot directory (<c>/bin</c>, <c>/sbin</c>, <c>/lib</c>, <c>/usr</c>, <c>/etc/init.d</c>,
/// <c>/etc/rc*</c>); medium for other files and for directories without the sticky bit (anyone may replace what
/// is in them); low for sticky directories (1777: others' files cannot be removed, but anything can be planted).
/// </summary>
public sealed class WorldWritableCheck : IAnalysisStep
{
    /// <summary>Rule id (as the corpus manifests name it).</summary>
    public const string RuleId = "fs.world_writable";

    private const int OtherWrite = 0b000_000_010;
    private const int Sticky = 0b001_000_000_000;
    private const int AnyExecute = 0b001_001_001;

    private static readonly string[] Exempt = ["/tmp", "/var/tmp", "/dev/shm", "/run/shm", "/run/lock", "/var/lock"];

    private static readonly string[] CodeDirectories = ["/bin/", "/sbin/", "/lib/", "/lib64/", "/usr/", "/etc/init.d/", "/etc/rc", "/etc/init/", "/etc/systemd/", "/opt/"];

    /// <inheritdoc/>
    public string Name => "fs-world-writable";

    /// <inheritdoc/>
    public void Run(AnalysisResults results, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(sink);
        foreach (var layer in results.Layers.SelectMany(l => l.Descendants()))
        {
            foreach (var entry in layer.FileSystem?.Entries ?? [])
            {
                if (Judge(entry) is { } verdict)
                {
                    string mode = Convert.ToString(entry.Mode & 0xFFF, 8).PadLeft(4, '0');
                    sink.Add(Finding.Of(layer.Location + ":" + entry.Path, entry.Path, RuleId, verdict.Severity,
                        $"world-writable {(entry.Type == EntryType.Dir ? "directory" : "file")} {entry.Path}",
                        $"mode {mode}{verdict.Why}"));
                }
            }
        }
    }

    /// <summary>The severity and reason for one entry, or null when it is not reported.</summary>
    internal static (Severity Severity, string Why)? Judge(FsEntry entry)
    {
        if (entry.Type is not (EntryType.File or EntryType.Dir) || (entry.Mode & OtherWrite) == 0 || entry.HardLinkTo is not null || IsExempt(entry.Path))
        {
            return null;
        }

        if (entry.Type == EntryType.Dir)
        {
            return (entry.Mode & Sticky) != 0
                ? (Severity.Low, "; sticky directory: others' files cannot be removed, but anyone may add files")
                : (Severity.Medium, "; anyone may add, remove or replace its entries");
        }

        if ((entry.Mode & AnyExecute) != 0)
        {
            return (Severity.High, "; executable: anyone may change code that others run");
        }

        return CodeDirectories.Any(d => entry.Path.StartsWith(d, StringComparison.Ordinal))
            ? (Severity.High, "; in a code or boot directory")
            : (Severity.Medium, "; anyone may change it");
    }

    private static bool IsExempt(string path) =>
        Exempt.Any(e => path == e || (path.StartsWith(e, StringComparison.Ordinal) && path.Length > e.Length && path[e.Length] == '/'));
}
