using System.Text;

namespace FirmwareGate.Core.Checks.Accounts;

/// <summary>
/// The embedded dictionary of common and vendor default passwords (<c>default-passwords.txt</c>), most likely first:
/// costly hashes are tried against the head of the list only. Origin and licence are in the file's header.
/// </summary>
public sealed class DefaultPasswords
{
    private const string ResourceName = "FirmwareGate.Core.Checks.Accounts.default-passwords.txt";
    private static readonly Lazy<DefaultPasswords> Embedded = new(Load);
    private readonly HashSet<string> _set;

    /// <summary>A dictionary of the given candidates, in order, without duplicates.</summary>
    public DefaultPasswords(IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var list = new List<string>();
        _set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string c in candidates)
        {
            if (c.Length > 0 && _set.Add(c))
            {
                list.Add(c);
            }
        }

        Candidates = list;
    }

    /// <summary>The list shipped with FirmwareGate.</summary>
    public static DefaultPasswords Default => Embedded.Value;

    /// <summary>The candidates, most likely first.</summary>
    public IReadOnlyList<string> Candidates { get; }

    /// <summary>True when <paramref name="password"/> is in the list (exact match).</summary>
    public bool Contains(string password) => _set.Contains(password);

    /// <summary>The 0-based position of <paramref name="password"/> in the list, or -1.</summary>
    public int IndexOf(string password) => _set.Contains(password) ? ((List<string>)Candidates).IndexOf(password) : -1;

    private static DefaultPasswords Load()
    {
        using var stream = typeof(DefaultPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        bool header = true;
        while (reader.ReadLine() is { } line)
        {
            header = header && line.StartsWith('#');
            if (!header)
            {
                lines.Add(line);
            }
        }

        return new DefaultPasswords(lines);
    }
}
