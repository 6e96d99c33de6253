namespace FirmwareGate.Core.Tests.Support;

/// <summary>One row of a corpus or fixture file list (path type mode uid gid size sha256 target major minor hardlink_of).</summary>
internal sealed record ManifestRow(string Path, string Type, string Mode, string Uid, string Gid, string Size, string Sha256, string Target, string Major, string Minor, string HardlinkOf)
{
    public static IReadOnlyList<ManifestRow> Load(string tsv) =>
        [.. File.ReadAllLines(tsv).Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split('\t');
            return new ManifestRow(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f.Length > 10 ? f[10] : "");
        })];
}
