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

    // Entry (first * 256 + second) is set when a signature starting with byte `first` may have `second`
    // after it: text full of a common first byte ('0' starts cpio's "070701") is passed over without
    // comparing every signature at every occurrence.
    private readonly bool[] _secondBytes = new bool[256 * 256];
    private readonly int _maxReach;
    private readonly Dictionary<IFormatReader, int> _rank = new(ReferenceEqualityComparer.Instance);

    public SignatureScanner(FormatRegistry registry)
    {
        var lists = new List<(Signature, IFormatReader)>[256];
        foreach (var reader in registry.Readers)
        {
            _rank.TryAdd(reader, _rank.Count);
            foreach (var sig in reader.Signatures)
            {
                (lists[sig.Magic[0]] ??= []).Add((sig, reader));
                for (int second = 0; second < 256; second++)
                {
                    if (sig.Magic.Length < 2 || sig.Magic[1] == second)
                    {
                        _secondBytes[(sig.Magic[0] * 256) + second] = true;
                    }
                }

                _maxReach = Math.Max(_maxReach, sig.Offset + sig.Magic.Length);
            }
        }

        for (int i = 0; i < 256; i++)
        {
            _byFirstByte[i] = lists[i]?.ToArray() ?? [];
        }

        _firstBytes = SearchValues.Create([.. Enumerable.Range(0, 256).Where(i => lists[i] is not null).Select(i => (byte)i)]);
    }

    /// <summary>A forward-only cursor over the candidates of one source.</summary>
    public Cursor Open(IByteSource source) => new(this, source);

    /// <summary>
    /// Scans each byte of the source once however the caller moves forward: a layer that ends inside
    /// the chunk already scanned resumes from the candidates found there instead of reading the chunk
    /// again (a region of many tiny layers would otherwise cost a chunk read per layer), and one that
    /// ends beyond it resumes the scan where it ends.
    /// </summary>
    internal sealed class Cursor : IDisposable
    {
        private readonly SignatureScanner _scanner;
        private readonly IByteSource _source;
        private readonly List<(long Start, IFormatReader Reader)> _found = [];
        private byte[]? _buffer;
        private int _next;
        private long _scannedTo;

        public Cursor(SignatureScanner scanner, IByteSource source)
        {
            _scanner = scanner;
            _source = source;
        }

        /// <summary>The next candidate whose header starts at or after <paramref name="from"/>.</summary>
        public bool TryNext(long from, CancellationToken ct, out (long Start, IFormatReader Reader) candidate)
        {
            while (true)
            {
                while (_next < _found.Count)
                {
                    candidate = _found[_next++];
                    if (candidate.Start >= from)
                    {
                        return true;
                    }
                }

                long chunk = Math.Max(_scannedTo, from);
                if (chunk >= _source.Length)
                {
                    candidate = default;
                    return false;
                }

                ct.ThrowIfCancellationRequested();
                ScanChunk(chunk);
            }
        }

        private void ScanChunk(long chunk)
        {
            int reach = _scanner._maxReach;
            int want = (int)Math.Min(ChunkSize + reach, _source.Length - chunk);
            if (_buffer is null || _buffer.Length < want)
            {
                if (_buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(want, Math.Min(ChunkSize + reach, 4096)));
            }

            byte[] buffer = _buffer;
            int n = _source.ReadFully(chunk, buffer.AsSpan(0, want));
            int limit = Math.Min(n, ChunkSize);
            _found.Clear();
            _next = 0;
            _scannedTo = limit > 0 ? chunk + limit : _source.Length;
            int i = 0;
            while (i < limit)
            {
                int hit = buffer.AsSpan(i, limit - i).IndexOfAny(_scanner._firstBytes);
                if (hit < 0)
                {
                    break;
                }

                i += hit;
                if (i + 1 < n && !_scanner._secondBytes[(buffer[i] * 256) + buffer[i + 1]])
                {
                    i++;
                    continue;
                }

                foreach (var (sig, reader) in _scanner._byFirstByte[buffer[i]])
                {
                    long start = chunk + i - sig.Offset;
                    if (start >= 0 && i + sig.Magic.Length <= n && buffer.AsSpan(i, sig.Magic.Length).SequenceEqual(sig.Magic))
                    {
                        _found.Add((start, reader));
                    }
                }

                i++;
            }

            // Candidates at one offset keep the registry's order, whichever magic sits first in the bytes
            // (an ISO's "CD001" at 0x8001 outranks the isohybrid MBR's 55 aa at 0x1fe).
            var sorted = _found.Select((f, index) => (f, index)).OrderBy(x => x.f.Start).ThenBy(x => _scanner._rank[x.f.Reader]).ThenBy(x => x.index).Select(x => x.f).ToList();
            _found.Clear();
            _found.AddRange(sorted);
        }

        public void Dispose()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }
        }
    }
}
