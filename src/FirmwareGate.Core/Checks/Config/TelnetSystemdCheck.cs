using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>
/// <c>config.telnetd_enabled</c> under systemd: a telnet socket or service unit enabled for boot, that is, an
/// entry named like <c>telnet.socket</c>, <c>telnetd.socket</c>, <c>telnet@.service</c> or
/// <c>inetutils-telnetd.socket</c> in a <c>*.wants</c> or <c>*.requires</c> directory of <c>/etc/systemd/system</c>,
/// <c>/lib/systemd/system</c> or <c>/usr/lib/systemd/system</c>. Enabling is a symlink, so this reads the tree
/// (names only), never file contents.
/// </summary>
public sealed class TelnetSystemdCheck : IAnalysisStep
{
    private static readonly string[] UnitRoots = ["/etc/systemd/system/", "/lib/systemd/system/", "/usr/lib/systemd/system/"];

    /// <inheritdoc/>
    public string Name => "config-telnetd-systemd";

    /// <inheritdoc/>
    public void Run(AnalysisResults results, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(sink);
        foreach (var layer in results.Layers.SelectMany(l => l.Descendants()))
        {
            foreach (var entry in layer.FileSystem?.Entries ?? [])
            {
                if (entry.Type is EntryType.Symlink or EntryType.File && IsEnabledTelnetUnit(entry.Path))
                {
                    string location = layer.Location + ":" + entry.Path;
                    string wants = ConfigText.BaseName(ConfigText.DirectoryOf(entry.Path));
                    sink.Add(Finding.Of(location, entry.Path, TelnetdBootCheck.RuleId, Severity.High,
                        $"telnet unit {ConfigText.BaseName(entry.Path)} enabled for boot ({entry.Path})",
                        $"{ConfigText.BaseName(entry.Path)} is listed in {wants}" + (entry.LinkTarget is { } t ? $" (links to {t})" : "")));
                }
            }
        }
    }

    /// <summary>True for a telnet unit inside a .wants/.requires directory of a systemd unit root.</summary>
    internal static bool IsEnabledTelnetUnit(string path)
    {
        string dir = ConfigText.DirectoryOf(path);
        if (!(dir.EndsWith(".wants", StringComparison.Ordinal) || dir.EndsWith(".requires", StringComparison.Ordinal))
            || !UnitRoots.Any(r => dir.StartsWith(r, StringComparison.Ordinal) && dir.IndexOf('/', r.Length) < 0))
        {
            return false;
        }

        string name = ConfigText.BaseName(path);
        int dot = name.LastIndexOf('.');
        if (dot <= 0 || name[(dot + 1)..] is not ("socket" or "service"))
        {
            return false;
        }

        string unit = name[..dot];
        unit = unit.Contains('@', StringComparison.Ordinal) ? unit[..unit.IndexOf('@', StringComparison.Ordinal)] : unit;
        return unit is "telnet" or "telnetd" or "telnet-server" or "inetutils-telnetd" or "utelnetd" or "in.telnetd";
    }
}
