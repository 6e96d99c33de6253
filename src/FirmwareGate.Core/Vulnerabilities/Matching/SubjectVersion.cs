using FirmwareGate.Core.Vulnerabilities.Cpe;
using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>
/// A component's version as CPE matching sees it: the base version, the patch-level update and both joined.
/// The CPE's version and update win; else the component's version. A patch level written onto the version
/// (<c>1.9.13p3</c>) is split off as the update (<see cref="VersionComparer.SplitUpdate"/>); with none, the version
/// is taken as complete (update NA).
/// </summary>
internal sealed record SubjectVersion(string? Base, string? Update, bool NotApplicable)
{
    /// <summary>The base and update joined (<c>1.9.13p3</c>), null when the version is unknown or NA.</summary>
    public string? Full => Base is null ? null : VersionComparer.JoinUpdate(Base, Update);

    /// <summary>True when nothing is known about the version.</summary>
    public bool Unknown => Base is null && !NotApplicable;

    public static SubjectVersion Of(CpeName cpe, string? fallbackVersion)
    {
        string? update = CpeName.IsValue(cpe.Update) ? CpeName.Plain(cpe.Update) : null;
        if (CpeName.IsValue(cpe.Version))
        {
            return Split(CpeName.Plain(cpe.Version), update);
        }

        if (!string.IsNullOrWhiteSpace(fallbackVersion))
        {
            return Split(fallbackVersion.Trim(), update);
        }

        return new SubjectVersion(null, null, CpeName.IsNotApplicable(cpe.Version));
    }

    private static SubjectVersion Split(string version, string? update)
    {
        if (update is not null)
        {
            return new SubjectVersion(version, update, false);
        }

        (string b, string? u) = VersionComparer.SplitUpdate(version);
        return new SubjectVersion(b, u, false);
    }
}
