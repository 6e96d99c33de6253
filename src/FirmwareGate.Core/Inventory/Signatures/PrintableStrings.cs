using System.Buffers;

namespace FirmwareGate.Core.Inventory.Signatures;

/// <summary>
/// Printable strings of a binary, as <c>strings(1)</c> sees them: runs of printable ASCII (0x20..0x7E and tab).
/// Every run handed out is bounded in length, so a file of printable junk costs linear time and bounded memory.
/// </summary>
public static class PrintableStrings
{
    private static readonly SearchValues<byte> Printable = SearchValues.Create([(byte)'\t', .. Enumerable.Range(0x20, 0x7F - 0x20).Select(b => (byte)b)]);

    /// <summary>Shortest run reported by <see cref="ForEach"/> by default.</summary>
    public const int DefaultMinLength = 4;

    /// <summary>Longest run handed out; longer runs are cut into pieces of this length.</summary>
    public const int MaxLength = 512;

    /// <summary>True for a byte that belongs to a printable string.</summary>
    public static bool IsPrintable(byte b) => b is (>= 0x20 and <= 0x7E) or (byte)'\t';

    /// <summary>
    /// The printable run around <paramref name="position"/>, at most <paramref name="reach"/> bytes either side:
    /// (start, end) with start &lt;= position &lt;= end. Stops at the first non-printable byte on each side.
    /// </summary>
    public static (int Start, int End) RunAround(ReadOnlySpan<byte> data, int position, int reach)
    {
        int start = position;
        int lowest = Math.Max(0, position - reach);
        while (start > lowest && IsPrintable(data[start - 1]))
        {
            start--;
        }

        int end = position;
        int highest = (int)Math.Min(data.Length, (long)position + reach);
        while (end < highest && IsPrintable(data[end]))
        {
            end++;
        }

        return (start, end);
    }

    /// <summary>
    /// Calls <paramref name="action"/> with the offset and bytes of every printable run of at least
    /// <paramref name="minLength"/> bytes; runs longer than <see cref="MaxLength"/> are handed out in pieces.
    /// </summary>
    public static void ForEach(ReadOnlySpan<byte> data, int minLength, StringAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        int i = 0;
        while (i < data.Length)
        {
            // Skip to the next printable byte, then to the end of the run: both vectorised.
            int skip = data[i..].IndexOfAny(Printable);
            if (skip < 0)
            {
                return;
            }

            int start = i + skip;
            int limit = Math.Min(data.Length, start + MaxLength);
            int length = data[start..limit].IndexOfAnyExcept(Printable);
            i = length < 0 ? limit : start + length;

            if (i - start >= minLength)
            {
                action(start, data[start..i]);
            }
        }
    }

    /// <summary>Receives one printable run.</summary>
    /// <param name="offset">Offset of the run in the data.</param>
    /// <param name="text">The run's bytes (ASCII).</param>
    public delegate void StringAction(int offset, ReadOnlySpan<byte> text);
}
