using System.Buffers;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Unpacking;

/// <summary>Finds offsets where a registered magic number occurs, in increasing header order.</summary>
internal sealed class SignatureScanner
{
    private const int ChunkSize = 1 << 20;
    private readonly (Signature Sig, IFormatReader Reader)[][] _byFirstByte = new (Signature, IFormatReader)[256][];
    private readonly SearchValues<byte> _firstBytes;
    private readonly int _maxReach;

    public SignatureScanner(FormatRegistry registry)
    {
        var lists = new List<(Signature, IFormatReader)>[256];
        foreach (var reader in registry.Readers)
        {
            foreach (var sig in reader.Signatures)
            {
                (lists[sig.Magic[0]] ??= []).Add((sig, reader));
                _maxReach = Math.Max(_maxReach, sig.Offset + sig.Magic.Length);
            }
        }

        for (int i = 0; i < 256; i++)
        {
            _byFirstByte[i] = lists[i]?.ToArray() ?? [];
        }

        _firstBytes = SearchValues.Create([.. Enumerable.Range(0, 256).Where(i => lists[i] is not null).Select(i => (byte)i)]);
    }

    /// <summary>Candidates (header start, reader) from <paramref name="from"/> on, sorted within each chunk.</summary>
    public IEnumerable<(long Start, IFormatReader Reader)> Scan(IByteSource source, long from, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize + _maxReach);
        try
        {
            var found = new List<(long, IFormatReader)>();
            for (long chunk = from; chunk < source.Length; chunk += ChunkSize)
            {
                ct.ThrowIfCancellationRequested();
                int n = source.ReadFully(chunk, buffer.AsSpan(0, (int)Math.Min(ChunkSize + _maxReach, source.Length - chunk)));
                int limit = Math.Min(n, ChunkSize);
                found.Clear();
                int i = 0;
                while (i < limit)
                {
                    int hit = buffer.AsSpan(i, limit - i).IndexOfAny(_firstBytes);
                    if (hit < 0)
                    {
                        break;
                    }

                    i += hit;
                    foreach (var (sig, reader) in _byFirstByte[buffer[i]])
                    {
                        long start = chunk + i - sig.Offset;
                        if (start >= from && i + sig.Magic.Length <= n && buffer.AsSpan(i, sig.Magic.Length).SequenceEqual(sig.Magic))
                        {
                            found.Add((start, reader));
                        }
                    }

                    i++;
                }

                found.Sort((a, b) => a.Item1.CompareTo(b.Item1));
                foreach (var f in found)
                {
                    yield return f;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
