using System.Globalization;
using System.Text.RegularExpressions;

namespace FirmwareGate.MSBuild;

/// <summary>One <c>FILE(LINE,COLUMN): error: MESSAGE</c> line the gate prints on standard error for a bad policy.</summary>
/// <param name="File">The policy file as the gate named it.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong.</param>
public sealed partial record PolicyErrorLine(string File, int Line, int Column, string Message)
{
    /// <summary>Parses a line; null when it is not in the canonical form.</summary>
    public static PolicyErrorLine? TryParse(string line)
    {
        var match = Canonical().Match(line);
        if (!match.Success)
        {
            return null;
        }

        return new PolicyErrorLine(
            match.Groups["file"].Value,
            int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["column"].Value, CultureInfo.InvariantCulture),
            match.Groups["message"].Value);
    }

    [GeneratedRegex(@"^(?<file>.+?)\((?<line>[0-9]{1,9}),(?<column>[0-9]{1,9})\): error: (?<message>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Canonical();
}
