using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>One PEM block: its label, RFC 1421 headers (<c>Proc-Type</c>, <c>DEK-Info</c>) and decoded body.</summary>
/// <param name="Label">What follows <c>-----BEGIN </c> (<c>CERTIFICATE</c>, <c>RSA PRIVATE KEY</c>).</param>
/// <param name="Offset">Offset of <c>-----BEGIN</c> in the scanned bytes.</param>
/// <param name="Headers">Header lines before the base64 body, as (name, value).</param>
/// <param name="Body">The decoded body; empty when <see cref="Error"/> is set.</param>
/// <param name="Error">Why the body could not be decoded; null when it was.</param>
internal sealed record PemBlock(string Label, long Offset, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, string? Error)
{
    /// <summary>The value of a header, or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// Finds PEM blocks in any bytes (text files and binaries alike) with a vectorised search for <c>-----BEGIN </c>;
/// bounded: labels of at most <see cref="MaxLabel"/> characters, bodies of at most <see cref="MaxBlockBytes"/>,
/// at most <see cref="MaxBlocks"/> blocks per file.
/// </summary>
internal static class PemBlocks
{
    public const int MaxLabel = 64;
    public const int MaxBlockBytes = 1 << 20;
    public const int MaxBlocks = 20_000;

    private static ReadOnlySpan<byte> Begin => "-----BEGIN "u8;

    private static ReadOnlySpan<byte> End => "-----END "u8;

    private static ReadOnlySpan<byte> Dashes => "-----"u8;

    /// <summary>True when <paramref name="data"/> holds a PEM BEGIN marker.</summary>
    public static bool Contains(ReadOnlySpan<byte> data) => data.IndexOf(Begin) >= 0;

    /// <summary>
    /// The blocks whose BEGIN marker lies before <paramref name="stopAt"/> (the rest belongs to the next chunk of a
    /// chunked read). Markers with no well-formed label or no matching END (strings in a binary that only name a PEM
    /// label, like OpenSSH's own <c>-----BEGIN OPENSSH PRIVATE KEY-----</c> constant) are skipped silently; <paramref name="limitHit"/>
    /// is set when <see cref="MaxBlocks"/> stopped the scan.
    /// </summary>
    public static List<PemBlock> Find(ReadOnlySpan<byte> data, long baseOffset, int stopAt, out bool limitHit)
    {
        var blocks = new List<PemBlock>();
        limitHit = false;
        int pos = 0;
        while (pos < stopAt)
        {
            int i = data[pos..].IndexOf(Begin);
            if (i < 0 || pos + i >= stopAt)
            {
                break;
            }

            int start = pos + i;
            pos = start + 1;
            int labelStart = start + Begin.Length;
            int labelEnd = data[labelStart..Math.Min(data.Length, labelStart + MaxLabel + Dashes.Length)].IndexOf(Dashes);
            if (labelEnd <= 0)
            {
                continue;
            }

            var label = data.Slice(labelStart, labelEnd);
            if (!IsLabel(label))
            {
                continue;
            }

            int bodyStart = labelStart + labelEnd + Dashes.Length;
            var window = data[bodyStart..Math.Min(data.Length, bodyStart + MaxBlockBytes)];
            int endAt = window.IndexOf(End);
            if (endAt < 0)
            {
                continue;
            }

            var endLabel = window[(endAt + End.Length)..];
            if (!endLabel.StartsWith(label) || !endLabel[label.Length..].StartsWith(Dashes))
            {
                continue;
            }

            if (blocks.Count >= MaxBlocks)
            {
                limitHit = true;
                break;
            }

            string labelText = Encoding.ASCII.GetString(label);
            var block = Decode(labelText, baseOffset + start, window[..endAt]);
            if (block is not null)
            {
                blocks.Add(block);
            }

            pos = bodyStart + endAt + End.Length;
        }

        return blocks;
    }

    private static bool IsLabel(ReadOnlySpan<byte> label)
    {
        foreach (byte b in label)
        {
            if (!(b is >= (byte)'A' and <= (byte)'Z' || b is >= (byte)'0' and <= (byte)'9' || b == ' ' || b == '#' || b == '-'))
            {
                return false;
            }
        }

        return label.Length > 0;
    }

    // Null when the body is empty or is not base64 text (a label constant in a binary next to unrelated bytes).
    private static PemBlock? Decode(string label, long offset, ReadOnlySpan<byte> text)
    {
        var headers = new List<(string, string)>();
        int bodyFrom = 0;
        int colon = text.IndexOf((byte)':');
        int blank = BlankLine(text);
        if (colon >= 0 && blank > colon)
        {
            // RFC 1421 headers: "Name: value" lines up to an empty line.
            foreach (var line in Encoding.ASCII.GetString(text[..blank]).Split('\n'))
            {
                int c = line.IndexOf(':', StringComparison.Ordinal);
                if (c > 0 && headers.Count < 16)
                {
                    headers.Add((line[..c].Trim(), line[(c + 1)..].Trim()));
                }
            }

            bodyFrom = blank;
        }

        var body = text[bodyFrom..];
        byte[] compact = ArrayPool<byte>.Shared.Rent(Math.Max(4, body.Length));
        try
        {
            int n = 0;
            foreach (byte b in body)
            {
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    continue;
                }

                if (!(b is >= (byte)'A' and <= (byte)'Z' || b is >= (byte)'a' and <= (byte)'z' || b is >= (byte)'0' and <= (byte)'9' || b is (byte)'+' or (byte)'/' or (byte)'='))
                {
                    return null;
                }

                compact[n++] = b;
            }

            if (n == 0)
            {
                return null;
            }

            byte[] decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(n)];
            var status = Base64.DecodeFromUtf8(compact.AsSpan(0, n), decoded, out _, out int written);
            return status == OperationStatus.Done
                ? new PemBlock(label, offset, headers, decoded[..written], null)
                : new PemBlock(label, offset, headers, [], "base64 body does not decode (" + status + ")");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compact);
        }
    }

    private static int BlankLine(ReadOnlySpan<byte> text)
    {
        int a = text.IndexOf("\n\n"u8);
        int b = text.IndexOf("\r\n\r\n"u8);
        return a < 0 ? (b < 0 ? -1 : b + 4) : b < 0 || a < b ? a + 2 : b + 4;
    }
}
