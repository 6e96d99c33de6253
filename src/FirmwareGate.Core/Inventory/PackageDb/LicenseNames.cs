namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// Licence names from package metadata: the short names of a machine-readable Debian copyright file
/// (copyright-format 1.0, "DEP-5") and the opkg <c>License:</c> field, mapped to SPDX ids where the mapping is
/// unambiguous (GPL-2+ → GPL-2.0-or-later, Expat → MIT); other names are kept as written.
/// </summary>
public static class LicenseNames
{
    /// <summary>Largest copyright file read.</summary>
    public const int MaxCopyrightBytes = 512 * 1024;

    /// <summary>Most distinct licences kept for one package.</summary>
    public const int MaxLicenses = 32;

    private static readonly HashSet<string> Wanted = new(["Format", "License"], StringComparer.OrdinalIgnoreCase);

    // Debian short names (copyright-format 1.0, "License specification") whose SPDX id is certain.
    private static readonly Dictionary<string, string> Spdx = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GPL-1"] = "GPL-1.0-only",
        ["GPL-1+"] = "GPL-1.0-or-later",
        ["GPL-2"] = "GPL-2.0-only",
        ["GPL-2+"] = "GPL-2.0-or-later",
        ["GPL-2.0+"] = "GPL-2.0-or-later",
        ["GPL-3"] = "GPL-3.0-only",
        ["GPL-3+"] = "GPL-3.0-or-later",
        ["GPL-3.0+"] = "GPL-3.0-or-later",
        ["LGPL-2"] = "LGPL-2.0-only",
        ["LGPL-2+"] = "LGPL-2.0-or-later",
        ["LGPL-2.0+"] = "LGPL-2.0-or-later",
        ["LGPL-2.1"] = "LGPL-2.1-only",
        ["LGPL-2.1+"] = "LGPL-2.1-or-later",
        ["LGPL-3"] = "LGPL-3.0-only",
        ["LGPL-3+"] = "LGPL-3.0-or-later",
        ["LGPL-3.0+"] = "LGPL-3.0-or-later",
        ["AGPL-3"] = "AGPL-3.0-only",
        ["AGPL-3+"] = "AGPL-3.0-or-later",
        ["GFDL-1.2"] = "GFDL-1.2-only",
        ["GFDL-1.2+"] = "GFDL-1.2-or-later",
        ["GFDL-1.3"] = "GFDL-1.3-only",
        ["GFDL-1.3+"] = "GFDL-1.3-or-later",
        ["BSD-2-clause"] = "BSD-2-Clause",
        ["BSD-3-clause"] = "BSD-3-Clause",
        ["BSD-4-clause"] = "BSD-4-Clause",
        ["Expat"] = "MIT",
        ["MIT"] = "MIT",
        ["ISC"] = "ISC",
        ["Zlib"] = "Zlib",
        ["Libpng"] = "Libpng",
        ["Apache-2"] = "Apache-2.0",
        ["Apache-2.0"] = "Apache-2.0",
        ["Apache-1.1"] = "Apache-1.1",
        ["MPL-1.1"] = "MPL-1.1",
        ["MPL-2.0"] = "MPL-2.0",
        ["Artistic-2.0"] = "Artistic-2.0",
        ["CC0-1.0"] = "CC0-1.0",
        ["CC0"] = "CC0-1.0",
        ["OpenSSL"] = "OpenSSL",
        ["BSL-1.0"] = "BSL-1.0",
        ["PSF-2"] = "PSF-2.0",
        ["Python-2.0"] = "Python-2.0",
        ["FTL"] = "FTL",
        ["curl"] = "curl",
        ["X11"] = "X11",
        ["Unlicense"] = "Unlicense",
        ["WTFPL"] = "WTFPL",
        ["0BSD"] = "0BSD",
    };

    /// <summary>
    /// The distinct licences a machine-readable copyright file names, SPDX ids where known, sorted; empty
    /// when the file is not in the machine-readable format (free-form files name no licence reliably).
    /// </summary>
    public static IReadOnlyList<string> FromDebianCopyright(ReadOnlySpan<byte> copyright, CancellationToken ct = default)
    {
        var stanzas = ControlStanzaReader.Read(copyright, Wanted, _ => { }, ct);
        if (stanzas.Count == 0 || stanzas[0]["Format"] is not { } format || !format.Contains("copyright-format", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var stanza in stanzas)
        {
            // The first line of License: is the short name or expression; the lines after it are the text.
            if (stanza["License"] is { } license)
            {
                int nl = license.IndexOf('\n');
                AddExpression(names, nl < 0 ? license : license[..nl]);
            }
        }

        return [.. names.Take(MaxLicenses)];
    }

    /// <summary>The licences of an opkg <c>License:</c> field ("GPL-2.0-or-later BSD-3-Clause", "GPL-2.0+, MIT").</summary>
    public static IReadOnlyList<string> FromOpkgField(string? field)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (field is not null)
        {
            AddExpression(names, field);
        }

        return [.. names.Take(MaxLicenses)];
    }

    /// <summary>One short name mapped to SPDX when certain, else as written; null for a name that is not printable.</summary>
    public static string? Normalize(string name)
    {
        name = name.Trim().Trim('(', ')');
        if (name.Length is 0 or > 64 || name.Any(c => c < 0x21 || c > 0x7E))
        {
            return null;
        }

        return Spdx.GetValueOrDefault(name) ?? name;
    }

    // "GPL-2+ or Artistic", "LGPL-2.1+ and BSD-3-clause", "GPL-2.0 LGPL-2.1" (opkg lists): every name counts;
    // a "with X exception" clause stays with the name before it, as written.
    private static void AddExpression(SortedSet<string> names, string expression)
    {
        var clause = new List<string>();
        foreach (string w in expression.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries).Append("or"))
        {
            if (!w.Equals("or", StringComparison.OrdinalIgnoreCase) && !w.Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                clause.Add(w);
                continue;
            }

            int with = clause.FindIndex(x => x.Equals("with", StringComparison.OrdinalIgnoreCase));
            int plain = with < 0 ? clause.Count : Math.Max(0, with - 1);
            for (int i = 0; i < plain && names.Count < MaxLicenses; i++)
            {
                if (Normalize(clause[i]) is { } n)
                {
                    names.Add(n);
                }
            }

            if (with > 0 && Normalize(clause[with - 1]) is { } head && names.Count < MaxLicenses)
            {
                string exception = string.Join(' ', clause.Skip(with + 1));
                if (exception.Length is > 0 and <= 64)
                {
                    names.Add(head + " with " + exception);
                }
            }

            clause.Clear();
        }
    }
}
