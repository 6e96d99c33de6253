using FirmwareGate.Core.Vulnerabilities.Cpe;

namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>A component of the image with its parsed CPE and version, for platform entries.</summary>
internal sealed record PlatformComponent(MatchSubject Subject, CpeName Cpe, SubjectVersion Version);

/// <summary>The components of one <see cref="MatchPlatform"/>, parsed once and indexed by vendor and product.</summary>
internal sealed class PlatformIndex
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MatchPlatform, PlatformIndex> Cache = new();

    private readonly Dictionary<string, List<PlatformComponent>> _byProduct = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<PlatformComponent> _wild = [];

    private PlatformIndex(MatchPlatform platform)
    {
        IEnumerable<MatchSubject> all = platform.OperatingSystem is { } os ? platform.Components.Append(os) : platform.Components;
        foreach (MatchSubject s in all)
        {
            if (CpeName.TryParse(s.Cpe) is not { } cpe)
            {
                continue;
            }

            var component = new PlatformComponent(s, cpe, SubjectVersion.Of(cpe, s.Version));
            if (CpeName.IsValue(cpe.Vendor) && CpeName.IsValue(cpe.Product) && !CpeAttribute.HasWildcard(cpe.Vendor) && !CpeAttribute.HasWildcard(cpe.Product))
            {
                string key = Key(cpe.Vendor, cpe.Product);
                if (!_byProduct.TryGetValue(key, out List<PlatformComponent>? list))
                {
                    _byProduct[key] = list = [];
                }

                list.Add(component);
            }
            else
            {
                _wild.Add(component);
            }
        }
    }

    /// <summary>The index of <paramref name="platform"/>, built on first use.</summary>
    public static PlatformIndex Of(MatchPlatform platform) => Cache.GetValue(platform, p => new PlatformIndex(p));

    /// <summary>The components that may be what <paramref name="criteria"/> names (same vendor and product, or unknown ones).</summary>
    public IEnumerable<PlatformComponent> Candidates(CpeName criteria)
    {
        if (!CpeName.IsValue(criteria.Vendor) || !CpeName.IsValue(criteria.Product) || CpeAttribute.HasWildcard(criteria.Vendor) || CpeAttribute.HasWildcard(criteria.Product))
        {
            return _byProduct.Values.SelectMany(l => l).Concat(_wild);
        }

        return _byProduct.TryGetValue(Key(criteria.Vendor, criteria.Product), out List<PlatformComponent>? list) ? list.Concat(_wild) : _wild;
    }

    private static string Key(string vendor, string product) => vendor + ":" + product;
}
