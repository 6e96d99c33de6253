using System.Runtime.InteropServices;

namespace FirmwareGate.Core.Unpacking;

/// <summary>
/// A filesystem reader's warnings: at most <see cref="MaxPerKind"/> of each kind, so a corrupt image
/// with a million bad entries does not make a million-line report, then one line per kind saying how
/// many more were left out.
/// </summary>
internal sealed class CappedWarnings(string format)
{
    /// <summary>Warnings of one kind shown before the rest are only counted.</summary>
    public const int MaxPerKind = 20;

    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>The warnings kept, in the order they were added.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>Keeps <paramref name="message"/> unless <see cref="MaxPerKind"/> of its kind are kept already.</summary>
    public void Add(string kind, string message)
    {
        ref int count = ref CollectionsMarshal.GetValueRefOrAddDefault(_counts, kind, out _);
        if (count++ < MaxPerKind)
        {
            Messages.Add(message);
        }
    }

    /// <summary>Appends one line per kind that went over the cap, in kind order.</summary>
    public void AddOmittedCounts()
    {
        foreach (var (kind, count) in _counts.Where(k => k.Value > MaxPerKind).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            Messages.Add($"{format}: {count - MaxPerKind} more warnings of the same kind ({kind}) not shown");
        }
    }
}
