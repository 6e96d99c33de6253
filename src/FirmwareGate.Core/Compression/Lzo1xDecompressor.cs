namespace FirmwareGate.Core.Compression;

/// <summary>
/// LZO1X decompressor (the "safe" variant: every read and write is bounds-checked).
/// No NuGet package decodes LZO, and SquashFS and lzop need it. Written from the LZO1X
/// bitstream as documented in Linux Documentation/staging/lzo.rst and lzo1x_decompress_safe.c.
/// </summary>
public static class Lzo1xDecompressor
{
    private const int M2MaxOffset = 0x0800;

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>; returns bytes written.</summary>
    /// <exception cref="InvalidDataException">The stream is corrupt, truncated, or does not fit the output.</exception>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0;
        int op = 0;
        int t;
        int next;
        int state = 0;
        int mPos;

        if (input.Length < 3)
        {
            throw Error("input shorter than the end marker");
        }

        if (input[0] > 17)
        {
            t = input[ip++] - 17;
            if (t < 4)
            {
                next = t;
                CopyLiterals(input, ref ip, output, ref op, next);
                state = next;
            }
            else
            {
                CopyLiterals(input, ref ip, output, ref op, t);
                state = 4;
            }
        }

        while (true)
        {
            t = Byte(input, ip++);
            if (t < 16)
            {
                if (state == 0)
                {
                    if (t == 0)
                    {
                        t = 15 + LongLength(input, ref ip);
                    }

                    t += 3;
                    CopyLiterals(input, ref ip, output, ref op, t);
                    state = 4;
                    continue;
                }

                if (state != 4)
                {
                    next = t & 3;
                    mPos = op - 1 - (t >> 2) - (Byte(input, ip++) << 2);
                    CopyMatch(output, ref op, mPos, 2);
                    CopyLiterals(input, ref ip, output, ref op, next);
                    state = next;
                    continue;
                }

                next = t & 3;
                mPos = op - (1 + M2MaxOffset) - (t >> 2) - (Byte(input, ip++) << 2);
                t = 3;
            }
            else if (t >= 64)
            {
                next = t & 3;
                mPos = op - 1 - ((t >> 2) & 7) - (Byte(input, ip++) << 3);
                t = (t >> 5) - 1 + 2;
            }
            else if (t >= 32)
            {
                t = (t & 31) + 2;
                if (t == 2)
                {
                    t += 31 + LongLength(input, ref ip);
                }

                next = Le16(input, ip);
                ip += 2;
                mPos = op - 1 - (next >> 2);
                next &= 3;
            }
            else
            {
                mPos = op - ((t & 8) << 11);
                t = (t & 7) + 2;
                if (t == 2)
                {
                    t += 7 + LongLength(input, ref ip);
                }

                next = Le16(input, ip);
                ip += 2;
                mPos -= next >> 2;
                next &= 3;
                if (mPos == op)
                {
                    // End-of-stream marker: M4 with distance 0x4000 and length 3.
                    if (t != 3)
                    {
                        throw Error("bad end marker");
                    }

                    return op;
                }

                mPos -= 0x4000;
            }

            CopyMatch(output, ref op, mPos, t);
            CopyLiterals(input, ref ip, output, ref op, next);
            state = next;
        }
    }

    private static int LongLength(ReadOnlySpan<byte> input, ref int ip)
    {
        int zeros = 0;
        while (Byte(input, ip) == 0)
        {
            ip++;
            zeros++;
            if (zeros > (int.MaxValue / 255) - 2)
            {
                throw Error("length run too long");
            }
        }

        return (zeros * 255) + input[ip++];
    }

    private static void CopyLiterals(ReadOnlySpan<byte> input, ref int ip, Span<byte> output, ref int op, int count)
    {
        if (count == 0)
        {
            return;
        }

        if (ip + count > input.Length)
        {
            throw Error("literal run past the end of the input");
        }

        if (op + count > output.Length)
        {
            throw Error("output overrun");
        }

        input.Slice(ip, count).CopyTo(output[op..]);
        ip += count;
        op += count;
    }

    private static void CopyMatch(Span<byte> output, ref int op, int mPos, int length)
    {
        if (mPos < 0)
        {
            throw Error("match distance before the start of the output");
        }

        if (op + length > output.Length)
        {
            throw Error("output overrun");
        }

        if (op - mPos >= length)
        {
            output.Slice(mPos, length).CopyTo(output[op..]);
            op += length;
            return;
        }

        // Overlapping match: byte by byte, as the format intends (run-length style).
        for (int i = 0; i < length; i++)
        {
            output[op++] = output[mPos++];
        }
    }

    private static int Byte(ReadOnlySpan<byte> input, int ip) =>
        ip < input.Length ? input[ip] : throw Error("unexpected end of input");

    private static int Le16(ReadOnlySpan<byte> input, int ip) =>
        ip + 1 < input.Length ? input[ip] | (input[ip + 1] << 8) : throw Error("unexpected end of input");

    private static InvalidDataException Error(string message) => new("lzo1x: " + message);
}
