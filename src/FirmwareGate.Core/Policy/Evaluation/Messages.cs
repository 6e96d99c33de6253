using System.Globalization;
using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>Shared wording of violation messages: one line, bounded, invariant numbers.</summary>
internal static class Messages
{
    private const int MaxLength = 400;

    /// <summary>The text on one line (control characters become spaces), cut at a bounded length.</summary>
    public static string OneLine(string text)
    {
        var chars = text.Length > MaxLength ? (text[..(MaxLength - 1)] + "…").ToCharArray() : text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = ' ';
            }
        }

        return new string(chars);
    }

    /// <summary>A component as people name it: "zlib 1.2.13", or "zlib (version unknown)".</summary>
    public static string Component(string name, string? version) =>
        string.IsNullOrEmpty(version) ? $"{name} (version unknown)" : $"{name} {version}";

    /// <summary>A number in invariant culture, without trailing zeros (7.5, 0.12).</summary>
    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A share as a percentage with one decimal ("12.5%").</summary>
    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The finding severity of a vulnerability severity name, null for "unknown".</summary>
    public static Severity? SeverityOf(string name) => name switch
    {
        "critical" => Severity.Critical,
        "high" => Severity.High,
        "medium" => Severity.Medium,
        "low" => Severity.Low,
        "none" => Severity.Info,
        _ => null,
    };
}
