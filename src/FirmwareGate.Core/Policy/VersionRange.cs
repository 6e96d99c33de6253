using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// A version range of a policy: alternatives separated by <c>||</c>, each a comma-separated list of constraints
/// that must all hold (<c>&gt;= 1.1.0, &lt; 1.1.1w || 3.0.*</c>). A constraint is an operator (<c>&lt;</c>,
/// <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>=</c>, <c>!=</c>) and a version, a bare version (exactly that one), a
/// prefix with <c>.*</c> (<c>1.2.*</c>), or <c>*</c> (any). Versions compare as vulnerability matching does
/// (<see cref="VersionComparer"/>).
/// </summary>
public sealed class VersionRange
{
    private readonly IReadOnlyList<IReadOnlyList<(string Op, string Version)>> _alternatives;

    private VersionRange(string text, IReadOnlyList<IReadOnlyList<(string Op, string Version)>> alternatives)
    {
        Text = text;
        _alternatives = alternatives;
    }

    /// <summary>The range as written.</summary>
    public string Text { get; }

    /// <summary>Parses a range; null with an error message when it is malformed.</summary>
    public static VersionRange? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "an empty version range";
            return null;
        }

        var alternatives = new List<IReadOnlyList<(string, string)>>();
        foreach (string alternative in text.Split("||"))
        {
            var constraints = new List<(string, string)>();
            foreach (string raw in alternative.Split(','))
            {
                string part = raw.Trim();
                string op = part.StartsWith(">=", StringComparison.Ordinal) || part.StartsWith("<=", StringComparison.Ordinal) || part.StartsWith("!=", StringComparison.Ordinal) || part.StartsWith("==", StringComparison.Ordinal)
                    ? part[..2]
                    : part.StartsWith('<') || part.StartsWith('>') || part.StartsWith('=') ? part[..1] : "";
                string version = part[op.Length..].Trim();
                if (op == "==")
                {
                    op = "=";
                }

                if (version.Length == 0)
                {
                    error = $"'{part}' has no version (write e.g. '< 1.2.3', '>= 2.0, < 2.4', '1.2.*' or '*')";
                    return null;
                }

                if (version.Length > VersionComparer.MaxLength || version.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                {
                    error = $"'{version}' is not a version";
                    return null;
                }

                if (version != "*" && !version.Any(char.IsAsciiDigit))
                {
                    error = $"'{version}' is not a version (no digit)";
                    return null;
                }

                if (version.Contains('*', StringComparison.Ordinal) && (op.Length > 0 || (version != "*" && (!version.EndsWith(".*", StringComparison.Ordinal) || version[..^2].Contains('*', StringComparison.Ordinal)))))
                {
                    error = $"'{part}': a wildcard is only allowed alone ('*') or as a trailing '.*' without an operator";
                    return null;
                }

                constraints.Add((op.Length == 0 ? "=" : op, version));
            }

            alternatives.Add(constraints);
        }

        return new VersionRange(text.Trim(), alternatives);
    }

    /// <summary>True when the version is in the range, false when not, null when it cannot be decided (an unknown or incomparable version).</summary>
    public bool? Contains(string? version)
    {
        bool undecided = false;
        foreach (var constraints in _alternatives)
        {
            bool? all = true;
            foreach (var (op, bound) in constraints)
            {
                bool? holds = Holds(op, bound, version);
                if (holds == false)
                {
                    all = false;
                    break;
                }

                if (holds is null)
                {
                    all = null;
                }
            }

            if (all == true)
            {
                return true;
            }

            undecided |= all is null;
        }

        return undecided ? null : false;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static bool? Holds(string op, string bound, string? version)
    {
        if (bound == "*")
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(version))
        {
            return null;
        }

        if (bound.EndsWith(".*", StringComparison.Ordinal))
        {
            string prefix = bound[..^1];
            return version.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || string.Equals(version, bound[..^2], StringComparison.OrdinalIgnoreCase);
        }

        int? c = VersionComparer.Compare(version, bound);
        if (c is not { } cmp)
        {
            return null;
        }

        return op switch
        {
            "<" => cmp < 0,
            "<=" => cmp <= 0,
            ">" => cmp > 0,
            ">=" => cmp >= 0,
            "!=" => cmp != 0,
            _ => cmp == 0,
        };
    }
}
