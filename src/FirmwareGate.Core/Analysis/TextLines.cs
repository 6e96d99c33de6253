namespace FirmwareGate.Core.Analysis;

/// <summary>Line splitting for text files the analysers read (package databases, configuration): LF, CRLF and CR line ends, with cancellation checks.</summary>
internal static class TextLines
{
    /// <summary>
    /// The line at <paramref name="pos"/> (without its end), moving <paramref name="pos"/> past the line end and
    /// counting <paramref name="lineNo"/>; false at the end of the data.
    /// </summary>
    public static bool Next(ReadOnlySpan<byte> data, ref int pos, ref int lineNo, CancellationToken ct, out ReadOnlySpan<byte> line)
    {
        if (pos >= data.Length)
        {
            line = default;
            return false;
        }

        lineNo++;
        if ((lineNo & 0x3FFF) == 0)
        {
            ct.ThrowIfCancellationRequested();
        }

        var rest = data[pos..];
        int end = rest.IndexOfAny((byte)'\n', (byte)'\r');
        line = end < 0 ? rest : rest[..end];
        pos += end < 0 ? rest.Length : end + (rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1);
        return true;
    }
}
