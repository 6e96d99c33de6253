using System.Globalization;
using FirmwareGate.Core.Checks.Hardening;

namespace FirmwareGate.Core.Tests.Checks.Hardening;

/// <summary>checksec 2.x's columns, and the same columns read from a <see cref="BinaryHardening"/>.</summary>
internal static class ChecksecRow
{
    public static readonly string[] Fields = ["relro", "canary", "nx", "pie", "rpath", "runpath", "symbols", "fortify_source", "fortified", "fortify-able"];

    /// <summary>A TSV with a header line, as the fixture scripts write it.</summary>
    public static List<Dictionary<string, string>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split('\t');
            return header.Select((h, i) => (h, v: i < cells.Length ? cells[i] : "")).ToDictionary(p => p.h, p => p.v, StringComparer.Ordinal);
        })];
    }

    /// <summary>What checksec would print for these properties.</summary>
    public static Dictionary<string, string> Of(BinaryHardening b) => new(StringComparer.Ordinal)
    {
        ["relro"] = b.Relro.Value == "none" ? "no" : b.Relro.Value,
        ["canary"] = b.Canary.Value switch { true => "yes", false => "no", null => "unknown" },
        ["nx"] = b.Nx.Value switch { true => "yes", false => "no", null => "unknown" },
        ["pie"] = b.Pie.Value,
        ["rpath"] = string.IsNullOrEmpty(b.RPath.Value) ? "no" : "yes",
        ["runpath"] = string.IsNullOrEmpty(b.RunPath.Value) ? "no" : "yes",
        ["symbols"] = b.Stripped.Value ? "no" : "yes",
        ["fortify_source"] = b.Fortify.Value ? "yes" : "no",
        ["fortified"] = b.Fortify.FortifiedCount.ToString(CultureInfo.InvariantCulture),
        ["fortify-able"] = b.Fortify.FortifiableCount.ToString(CultureInfo.InvariantCulture),
    };
}
