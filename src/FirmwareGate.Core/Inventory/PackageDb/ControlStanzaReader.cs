using System.Text;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// Reads RFC 822-style paragraphs (deb-control(5), deb822(5)): "Field: value" lines, continuation lines that
/// start with a space or tab, paragraphs separated by blank lines. Line ends may be LF, CRLF or CR alone.
/// Bounded: line length, paragraph count and stored value length are capped, and only the fields asked for
/// are kept, so a description of any length costs nothing. Malformed lines are reported and skipped.
/// </summary>
internal static class ControlStanzaReader
{
    /// <summary>Longest line read; longer lines are skipped with a warning.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>Most paragraphs read from one file (a large Debian system has about 5,000 packages).</summary>
    public const int MaxStanzas = 50_000;

    /// <summary>Longest value kept for one field, continuation lines included.</summary>
    public const int MaxValueLength = 16 * 1024;

    /// <summary>Reads the paragraphs of <paramref name="data"/>, keeping the fields named in <paramref name="wanted"/>.</summary>
    public static List<ControlStanza> Read(ReadOnlySpan<byte> data, IReadOnlySet<string> wanted, Action<string> warn, CancellationToken ct)
    {
        var stanzas = new List<ControlStanza>();
        Dictionary<string, StringBuilder>? fields = null;
        int stanzaLine = 0;
        string? current = null; // the field continuation lines belong to; null when it is not kept
        bool inField = false;
        int lineNo = 0;
        int pos = 0;
        while (TextLines.Next(data, ref pos, ref lineNo, ct, out var line))
        {
            if (line.Length > MaxLineLength)
            {
                warn($"line {lineNo} is {line.Length} bytes, over the {MaxLineLength}-byte limit; skipped");
                current = null;
                continue;
            }

            if (IsBlank(line))
            {
                if (fields is not null)
                {
                    stanzas.Add(Finish(stanzaLine, fields));
                    fields = null;
                    if (stanzas.Count >= MaxStanzas)
                    {
                        if (pos < data.Length && !IsBlank(data[pos..]))
                        {
                            warn($"more than {MaxStanzas} paragraphs; the rest, from line {lineNo + 1}, is ignored");
                        }

                        return stanzas;
                    }
                }

                current = null;
                inField = false;
                continue;
            }

            if (line[0] == '#')
            {
                continue; // deb822 comment
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (!inField)
                {
                    warn($"line {lineNo}: continuation line without a field; skipped");
                }
                else if (current is not null && fields!.TryGetValue(current, out var sb) && sb.Length < MaxValueLength)
                {
                    sb.Append('\n').Append(Decode(Trim(line), MaxValueLength - sb.Length));
                }

                continue;
            }

            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsFieldName(line[..colon]))
            {
                warn($"line {lineNo}: not a \"Field: value\" line; skipped");
                current = null;
                inField = false;
                continue;
            }

            if (fields is null)
            {
                fields = new Dictionary<string, StringBuilder>(StringComparer.OrdinalIgnoreCase);
                stanzaLine = lineNo;
            }

            inField = true;
            string name = Encoding.ASCII.GetString(line[..colon]);
            if (!wanted.Contains(name))
            {
                current = null;
                continue;
            }

            if (fields.ContainsKey(name))
            {
                warn($"line {lineNo}: field {name} repeated in the paragraph that starts at line {stanzaLine}; the first one is kept");
                current = null;
                continue;
            }

            current = name;
            fields[name] = new StringBuilder(Decode(Trim(line[(colon + 1)..]), MaxValueLength));
        }

        if (fields is not null)
        {
            stanzas.Add(Finish(stanzaLine, fields));
        }

        return stanzas;
    }

    private static ControlStanza Finish(int line, Dictionary<string, StringBuilder> fields) =>
        new(line, fields.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase));

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;

    // deb822(5): field names are US-ASCII, no control characters, no space, no colon, and do not start with '#' or '-'.
    private static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        if (name.Length > 128 || name[0] == '-')
        {
            return false;
        }

        foreach (byte b in name)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s) => s.Trim(" \t"u8);

    // Invalid UTF-8 becomes U+FFFD; callers validate names and versions before using them.
    private static string Decode(ReadOnlySpan<byte> s, int max) => Encoding.UTF8.GetString(s.Length > max ? s[..max] : s);
}
