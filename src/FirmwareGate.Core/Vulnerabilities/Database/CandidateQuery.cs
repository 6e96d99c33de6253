using System.Text;
using FirmwareGate.Core.Vulnerabilities.Matching;

namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>
/// What the index is asked for one subject: CPE vendor and product (the name as product, any vendor, when the subject
/// has no CPE), package names and the purl without version, and phrases for the description search.
/// </summary>
internal sealed class CandidateQuery
{
    private CandidateQuery(string? vendor, string product, string? version, IReadOnlyList<string> packageNames, string? purl, IReadOnlyList<string> phrases)
    {
        Vendor = vendor;
        Product = product;
        Version = version;
        PackageNames = packageNames;
        Purl = purl;
        Phrases = phrases;
    }

    /// <summary>The CPE vendor, null for any vendor.</summary>
    public string? Vendor { get; }

    /// <summary>The CPE product (lower case, escaped as CPE writes it).</summary>
    public string Product { get; }

    /// <summary>The version the prefilter may use, null when none or when the CPE and the subject disagree.</summary>
    public string? Version { get; }

    /// <summary>Lower-case package names to look up.</summary>
    public IReadOnlyList<string> PackageNames { get; }

    /// <summary>The purl without version, qualifiers and subpath, lower case; null when none.</summary>
    public string? Purl { get; }

    /// <summary>Description phrases: each a run of lower-case words, searched as whole words.</summary>
    public IReadOnlyList<string> Phrases { get; }

    /// <summary>The query of one subject.</summary>
    public static CandidateQuery For(MatchSubject subject)
    {
        var cpe = CpeFields.TryParse(subject.Cpe);
        var purl = PurlParts.TryParse(subject.Purl);
        var name = subject.Name.Trim().ToLowerInvariant();
        var vendor = cpe is { } c && !CpeFields.IsLogical(c.Vendor) ? c.Vendor : null;
        var product = cpe is { } p && !CpeFields.IsLogical(p.Product) ? p.Product : CpeEscape(name.Replace(' ', '_'));
        var version = PrefilterVersion(subject.Version, cpe);

        var names = new SortedSet<string>(StringComparer.Ordinal) { name, product.Replace("\\", string.Empty, StringComparison.Ordinal), product.Replace('_', ' ').Replace("\\", string.Empty, StringComparison.Ordinal) };
        if (purl is { } pu)
        {
            names.Add(pu.Name);
            if (pu.Namespace is { } ns)
            {
                names.Add(ns + "/" + pu.Name);
                names.Add(ns + ":" + pu.Name);
            }
        }

        names.Remove(string.Empty);
        var phrases = new SortedSet<string>(StringComparer.Ordinal);
        AddPhrase(phrases, name);
        AddPhrase(phrases, product.Replace('_', ' ').Replace("\\", string.Empty, StringComparison.Ordinal));
        return new CandidateQuery(vendor, product, version, [.. names], purl?.Base, [.. phrases]);
    }

    /// <summary>The words of a text as the description index splits them: runs of letters and digits, lower case.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                word.Append(char.ToLowerInvariant(ch));
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private static void AddPhrase(SortedSet<string> phrases, string text)
    {
        var phrase = string.Join(' ', Words(text));
        if (phrase.Length > 0)
        {
            phrases.Add(phrase);
        }
    }

    private static string? PrefilterVersion(string? version, CpeFields? cpe)
    {
        if (cpe is not { } c || CpeFields.IsLogical(c.Version))
        {
            return cpe is { } withUpdate && !CpeFields.IsLogical(withUpdate.Update) ? null : version;
        }

        if (!CpeFields.IsLogical(c.Update))
        {
            // 1.9.13:p3: the matcher joins version and update; leave it to the matcher.
            return null;
        }

        // Which one the matcher uses is its business: prefilter only when both say the same.
        var cpeVersion = c.Version.Replace("\\", string.Empty, StringComparison.Ordinal);
        return version is null || string.Equals(version, cpeVersion, StringComparison.OrdinalIgnoreCase) ? cpeVersion : null;
    }

    private static string CpeEscape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var ch in value)
        {
            if (!char.IsLetterOrDigit(ch) && ch != '_')
            {
                escaped.Append('\\');
            }

            escaped.Append(ch);
        }

        return escaped.ToString();
    }
}
