namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>
/// The CVSS v3.0 and v3.1 base score of a vector string, as the FIRST specifications define it (v3.1 §7.1 base
/// equations, §7.4 metric values, Appendix A Roundup; v3.0 §8.1, whose Roundup is a plain ceiling to one decimal).
/// </summary>
public static class CvssV3
{
    /// <summary>The base score of <paramref name="vector"/> (<c>CVSS:3.1/AV:N/...</c>), or null when it is not a complete, valid v3 vector.</summary>
    public static double? BaseScore(string? vector)
    {
        if (vector is null || vector.Length > 256)
        {
            return null;
        }

        bool v31;
        if (vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal))
        {
            v31 = true;
        }
        else if (vector.StartsWith("CVSS:3.0/", StringComparison.Ordinal))
        {
            v31 = false;
        }
        else
        {
            return null;
        }

        return TryReadBase(vector.AsSpan(9), out var m) ? Score(m, v31) : null;
    }

    /// <summary>The version of a v3 vector: <c>3.0</c> or <c>3.1</c>, null otherwise.</summary>
    public static string? VersionOf(string? vector) =>
        vector is null ? null
        : vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal) ? "3.1"
        : vector.StartsWith("CVSS:3.0/", StringComparison.Ordinal) ? "3.0"
        : null;

    private record struct Metrics(char AV, char AC, char PR, char UI, char S, char C, char I, char A);

    private static bool TryReadBase(ReadOnlySpan<char> rest, out Metrics m)
    {
        m = default;
        Span<char> values = stackalloc char[8];
        values.Clear();
        foreach (var range in rest.Split('/'))
        {
            var part = rest[range];
            var colon = part.IndexOf(':');
            if (colon <= 0 || colon != part.Length - 2)
            {
                return false; // Every v3 metric value, base or not, is one letter (§6).
            }

            var index = part[..colon] switch
            {
                "AV" => 0,
                "AC" => 1,
                "PR" => 2,
                "UI" => 3,
                "S" => 4,
                "C" => 5,
                "I" => 6,
                "A" => 7,
                _ => -1,
            };
            if (index < 0)
            {
                continue;
            }

            if (values[index] != '\0')
            {
                return false; // A metric given twice is not a valid vector (§6).
            }

            values[index] = part[colon + 1];
        }

        m = new Metrics(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
        return "NALP".Contains(m.AV) && "LH".Contains(m.AC) && "NLH".Contains(m.PR) && "NR".Contains(m.UI)
            && "UC".Contains(m.S) && "HLN".Contains(m.C) && "HLN".Contains(m.I) && "HLN".Contains(m.A)
            && m.AV != '\0' && m.AC != '\0' && m.PR != '\0' && m.UI != '\0' && m.S != '\0' && m.C != '\0' && m.I != '\0' && m.A != '\0';
    }

    private static double Score(Metrics m, bool v31)
    {
        var changed = m.S == 'C';
        var av = m.AV switch { 'N' => 0.85, 'A' => 0.62, 'L' => 0.55, _ => 0.2 };
        var ac = m.AC == 'L' ? 0.77 : 0.44;
        var pr = m.PR switch { 'N' => 0.85, 'L' => changed ? 0.68 : 0.62, _ => changed ? 0.5 : 0.27 };
        var ui = m.UI == 'N' ? 0.85 : 0.62;
        var iss = 1 - ((1 - Cia(m.C)) * (1 - Cia(m.I)) * (1 - Cia(m.A)));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        if (impact <= 0)
        {
            return 0;
        }

        var exploitability = 8.22 * av * ac * pr * ui;
        var sum = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
        return Roundup(Math.Min(sum, 10), v31);
    }

    private static double Cia(char v) => v switch { 'H' => 0.56, 'L' => 0.22, _ => 0 };

    private static double Roundup(double value, bool v31)
    {
        if (!v31)
        {
            return Math.Ceiling(value * 10) / 10;
        }

        // v3.1 Appendix A: round to an integer of 1/100000 first, so floating-point noise cannot push a score up.
        var scaled = (long)Math.Round(value * 100000);
        return scaled % 10000 == 0 ? scaled / 100000.0 : (Math.Floor(scaled / 10000.0) + 1) / 10.0;
    }
}
