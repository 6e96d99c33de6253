using System.Buffers;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Yaffs2;

/// <summary>
/// One pass over every chunk's tags (yaffs_guts.c scanning, simplified to what a read-only dump needs):
/// erased pages are skipped, the newest copy of each object header and of each (object, chunk id) wins by
/// sequence number and then by position, shrink headers hide older data beyond the size they record.
/// The scan stops after a block's worth of chunks whose tags make no sense (the end of the filesystem).
/// </summary>
internal sealed class Yaffs2Filesystem(IByteSource source, Yaffs2Geometry geometry, ReadContext context)
{
    private const string Fmt = "yaffs2";
    private const int StopAfterInvalid = 64;
    private const int BatchBytes = 1 << 20;

    private readonly Dictionary<uint, HeaderRef> _headers = [];
    private readonly Dictionary<ulong, ChunkRef> _data = [];
    private readonly Dictionary<uint, List<ChunkRef>> _shrinks = [];

    /// <summary>Bytes of the source the filesystem's chunks cover.</summary>
    public long Length { get; private set; }

    public Yaffs2Geometry Geometry => geometry;

    public long Chunks { get; private set; }

    public long ErasedChunks { get; private set; }

    public long InvalidChunks { get; private set; }

    public List<string> Warnings { get; } = [];

    public IReadOnlyDictionary<uint, HeaderRef> Headers => _headers;

    public void Scan()
    {
        int stride = geometry.Stride;
        long total = source.Length / stride;
        int perBatch = Math.Max(1, BatchBytes / stride);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(perBatch * stride);
        try
        {
            long lastGood = 0;
            int invalidRun = 0;
            for (long first = 0; first < total && invalidRun < StopAfterInvalid; first += perBatch)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                int count = (int)Math.Min(perBatch, total - first);
                int got = source.ReadFully(first * stride, buffer.AsSpan(0, count * stride));
                count = got / stride;
                for (int c = 0; c < count && invalidRun < StopAfterInvalid; c++)
                {
                    long index = first + c;
                    if (Visit(buffer.AsSpan(c * stride, stride), index))
                    {
                        lastGood = index + 1;
                        invalidRun = 0;
                    }
                    else
                    {
                        InvalidChunks++;
                        invalidRun++;
                    }
                }
            }

            Chunks = lastGood;
            Length = lastGood * stride;
            // Nonsense after the last good chunk is beyond the filesystem, not in it.
            InvalidChunks -= invalidRun;
            if (InvalidChunks > 0)
            {
                Warnings.Add($"{Fmt}: {InvalidChunks} chunks have tags that make no sense (bad blocks or corruption); skipped");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // True when the chunk is erased or has plausible tags (and, for a header, a plausible header).
    private bool Visit(ReadOnlySpan<byte> chunk, long index)
    {
        var rawTags = chunk.Slice(geometry.TagsAt, Yaffs2Layout.TagsSize);
        if (Yaffs2Tags.IsErased(rawTags))
        {
            ErasedChunks++;
            return true;
        }

        var t = Yaffs2Tags.Decode(rawTags, geometry.BigEndian);
        if (!t.IsPlausible(geometry.DataBytes))
        {
            return false;
        }

        long offset = index * geometry.Stride;
        if (!t.IsHeader)
        {
            ulong key = ((ulong)t.ObjId << 32) | t.ChunkId;
            var chunkRef = new ChunkRef(t.Seq, index, offset, (int)t.NBytes, 0);
            if (!_data.TryGetValue(key, out var old) || chunkRef.IsNewerThan(old))
            {
                _data[key] = chunkRef;
            }

            return true;
        }

        var head = chunk[..Yaffs2Layout.HeaderSize];
        if (!Yaffs2ObjectHeader.LooksValid(head, geometry.BigEndian))
        {
            return false;
        }

        var header = Yaffs2ObjectHeader.Parse(head, geometry.BigEndian);
        if (t.ExtraShrink || header.IsShrink)
        {
            if (!_shrinks.TryGetValue(t.ObjId, out var list))
            {
                _shrinks[t.ObjId] = list = [];
            }

            list.Add(new ChunkRef(t.Seq, index, offset, 0, header.FileSize));
        }

        var headerRef = new HeaderRef(header, new ChunkRef(t.Seq, index, offset, 0, 0));
        if (!_headers.TryGetValue(t.ObjId, out var oldHeader) || headerRef.At.IsNewerThan(oldHeader.At))
        {
            if (_headers.Count >= context.Limits.MaxFiles && oldHeader is null)
            {
                throw context.Budget.Hit(new LimitExceededException(Fmt, offset, "files", $"more than {context.Limits.MaxFiles} objects (--max-files)"));
            }

            _headers[t.ObjId] = headerRef;
        }

        return true;
    }

    /// <summary>The content of a file object: its newest data chunks, less what a newer shrink header cut off.</summary>
    public Yaffs2FileSource OpenFile(uint objId, long size, List<(uint ChunkId, ChunkRef At)> chunks)
    {
        int dataBytes = geometry.DataBytes;
        _shrinks.TryGetValue(objId, out var shrinks);
        var kept = new List<(uint Id, long Offset, int Count)>(chunks.Count);
        foreach (var (id, at) in chunks)
        {
            long start = (long)(id - 1) * dataBytes;
            if (start >= size)
            {
                continue;
            }

            long limit = long.MaxValue;
            foreach (var s in shrinks ?? [])
            {
                if (s.IsNewerThan(at))
                {
                    limit = Math.Min(limit, s.Size);
                }
            }

            int count = (int)Math.Clamp(Math.Min(at.Count, limit - start), 0, at.Count);
            if (count > 0)
            {
                kept.Add((id, at.Offset, count));
            }
        }

        kept.Sort((a, b) => a.Id.CompareTo(b.Id));
        return new Yaffs2FileSource(source, dataBytes, [.. kept.Select(k => k.Id)], [.. kept.Select(k => k.Offset)], [.. kept.Select(k => k.Count)], size);
    }

    /// <summary>Data chunks grouped by object id.</summary>
    public Dictionary<uint, List<(uint ChunkId, ChunkRef At)>> DataByObject()
    {
        var byObject = new Dictionary<uint, List<(uint, ChunkRef)>>();
        foreach (var (key, at) in _data)
        {
            uint obj = (uint)(key >> 32);
            if (!byObject.TryGetValue(obj, out var list))
            {
                byObject[obj] = list = [];
            }

            list.Add(((uint)key, at));
        }

        return byObject;
    }

    /// <summary>Where a chunk was found; newer means a higher sequence number, then a later position.</summary>
    internal readonly record struct ChunkRef(uint Seq, long Index, long Offset, int Count, long Size)
    {
        public bool IsNewerThan(ChunkRef other) => Seq != other.Seq ? Seq > other.Seq : Index > other.Index;
    }

    /// <summary>The newest header of an object and where it was.</summary>
    internal sealed record HeaderRef(Yaffs2ObjectHeader Header, ChunkRef At);
}
