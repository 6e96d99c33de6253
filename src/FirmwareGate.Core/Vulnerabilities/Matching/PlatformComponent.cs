using FirmwareGate.Core.Vulnerabilities.Cpe;

namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>A component of the image with its parsed CPE and version, for platform entries.</summary>
internal sealed record PlatformComponent(MatchSubject Subject, CpeName Cpe, SubjectVersion Version)
{
    public static List<PlatformComponent> Of(MatchPlatform platform)
    {
        var list = new List<PlatformComponent>();
        IEnumerable<MatchSubject> all = platform.OperatingSystem is { } os ? platform.Components.Append(os) : platform.Components;
        foreach (MatchSubject s in all)
        {
            if (CpeName.TryParse(s.Cpe) is { } cpe)
            {
                list.Add(new PlatformComponent(s, cpe, SubjectVersion.Of(cpe, s.Version)));
            }
        }

        return list;
    }
}
