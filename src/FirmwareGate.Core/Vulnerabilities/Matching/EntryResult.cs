namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>Whether one CPE match entry names one component.</summary>
/// <param name="Holds">True: it names it; false: it does not; null: it may, but the version could not be decided.</param>
/// <param name="SameProduct">True when part, vendor and product agree (so a false is about version or another attribute).</param>
/// <param name="Reason">Why it does not hold or could not be decided; null when it holds or names another product.</param>
internal readonly record struct EntryResult(bool? Holds, bool SameProduct, string? Reason)
{
    public static EntryResult OtherProduct { get; } = new(false, false, null);

    public static EntryResult Match { get; } = new(true, true, null);
}
