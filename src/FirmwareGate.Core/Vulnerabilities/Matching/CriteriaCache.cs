using System.Runtime.CompilerServices;
using FirmwareGate.Core.Vulnerabilities.Cpe;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>Parsed criteria of <see cref="CpeMatch"/> entries, kept as long as the entry lives (a record is matched against every component).</summary>
internal static class CriteriaCache
{
    private static readonly ConditionalWeakTable<CpeMatch, Box> Parsed = new();

    /// <summary>The entry's criteria parsed, null when malformed.</summary>
    public static CpeName? Of(CpeMatch entry) => Parsed.GetValue(entry, e => new Box(CpeName.TryParse(e.Criteria))).Name;

    private sealed record Box(CpeName? Name);
}
