using System.Globalization;
using System.Text.RegularExpressions;

namespace FirmwareGate.Core.Tests.Elf;

/// <summary>The facts `readelf -W -h -l -d -S --dyn-syms -n` printed for a fixture (tests/fixtures/elf.sh records it).</summary>
internal sealed partial class ReadElfOutput
{
    public Dictionary<string, string> Header { get; } = new(StringComparer.Ordinal);

    public List<(string Type, ulong Offset, ulong VAddr, ulong FileSize, ulong MemSize, string Flags)> Segments { get; } = [];

    public string? Interpreter { get; private set; }

    public List<(string Name, string Type, ulong Offset, ulong Size)> Sections { get; } = [];

    public List<(ulong Tag, string Name, string Value)> Dynamic { get; } = [];

    public List<(string Name, string Type, string Bind, string Ndx)> DynSyms { get; } = [];

    public string? BuildId { get; private set; }

    public string? Properties { get; private set; }

    public static ReadElfOutput Load(string path)
    {
        var r = new ReadElfOutput();
        string mode = "";
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith("ELF Header:", StringComparison.Ordinal))
            {
                mode = "h";
                continue;
            }

            if (line.StartsWith("Program Headers:", StringComparison.Ordinal))
            {
                mode = "l";
                continue;
            }

            if (line.StartsWith("Section Headers:", StringComparison.Ordinal))
            {
                mode = "S";
                continue;
            }

            if (line.StartsWith("Dynamic section", StringComparison.Ordinal))
            {
                mode = "d";
                continue;
            }

            if (line.StartsWith("Symbol table", StringComparison.Ordinal))
            {
                mode = "s";
                continue;
            }

            if (line.Length == 0 || line.StartsWith("Displaying notes", StringComparison.Ordinal) || line.StartsWith(" Section to Segment", StringComparison.Ordinal))
            {
                mode = line.StartsWith("Displaying notes", StringComparison.Ordinal) ? "n" : "";
                continue;
            }

            switch (mode)
            {
                case "h" when line.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon:
                    r.Header.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
                    break;
                case "l":
                    if (line.Contains("[Requesting program interpreter: ", StringComparison.Ordinal))
                    {
                        r.Interpreter = line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..line.LastIndexOf(']')];
                    }
                    else if (SegmentRow().Match(line) is { Success: true } m)
                    {
                        r.Segments.Add((m.Groups[1].Value, Hex(m.Groups[2].Value), Hex(m.Groups[3].Value), Hex(m.Groups[4].Value), Hex(m.Groups[5].Value), m.Groups[6].Value.Replace(" ", "", StringComparison.Ordinal)));
                    }

                    break;
                case "S" when SectionRow().Match(line) is { Success: true } m:
                    r.Sections.Add((m.Groups[2].Value, m.Groups[3].Value, Hex(m.Groups[5].Value), Hex(m.Groups[6].Value)));
                    break;
                case "d" when DynamicRow().Match(line) is { Success: true } m:
                    r.Dynamic.Add((Hex(m.Groups[1].Value), m.Groups[2].Value, m.Groups[3].Value.Trim()));
                    break;
                case "s" when SymbolRow().Match(line) is { Success: true } m:
                    string name = m.Groups[5].Value.Trim();
                    int at = name.IndexOf('@', StringComparison.Ordinal);
                    r.DynSyms.Add((at >= 0 ? name[..at] : name, m.Groups[1].Value, m.Groups[2].Value, m.Groups[4].Value));
                    break;
                case "n":
                    if (line.Contains("Build ID: ", StringComparison.Ordinal) && r.BuildId is null)
                    {
                        r.BuildId = line[(line.IndexOf("Build ID: ", StringComparison.Ordinal) + 10)..].Trim();
                    }

                    if (line.Contains("Properties: ", StringComparison.Ordinal))
                    {
                        r.Properties = line[(line.IndexOf("Properties: ", StringComparison.Ordinal) + 12)..].Trim();
                    }

                    break;
            }
        }

        return r;
    }

    /// <summary>The value of a NEEDED/SONAME/RPATH/RUNPATH entry: the text between the brackets.</summary>
    public static string Bracketed(string value) => value[(value.IndexOf('[', StringComparison.Ordinal) + 1)..value.LastIndexOf(']')];

    private static ulong Hex(string s) => ulong.Parse(s.StartsWith("0x", StringComparison.Ordinal) ? s[2..] : s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s+([A-Z_0-9+]+|LOPROC\+0x[0-9a-f]+|0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s([ RWE]{3})\s+0x[0-9a-f]+$")]
    private static partial Regex SegmentRow();

    [GeneratedRegex(@"^\s+\[\s*(\d+)\]\s+(\S*?)\s*(NULL|[A-Z][A-Z_0-9]+)\s+([0-9a-f]{8,16})\s+([0-9a-f]{6,})\s+([0-9a-f]{6,})\s")]
    private static partial Regex SectionRow();

    [GeneratedRegex(@"^\s*0x([0-9a-f]+)\s+\((\w+)\)\s+(.*)$")]
    private static partial Regex DynamicRow();

    [GeneratedRegex(@"^\s*\d+:\s+[0-9a-f]+\s+\S+\s+(\w+)\s+(\w+)\s+(\w+)\s+(\w+)(.*)$")]
    private static partial Regex SymbolRow();
}
