using System.Buffers;
using System.IO.Compression;
using System.IO.Hashing;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;
using SharpCompress.Archives;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Archives read with SharpCompress (zip, 7z). Members are decoded lazily into bounded outputs: zip
/// members one at a time, 7z members all in one pass when the first is needed. The ratio limit uses
/// each member's compressed size, or the archive's length when a member has none.
/// </summary>
public abstract class SharpCompressArchiveReader : IFormatReader
{
    private const int StreamBufferBytes = 1 << 16;

    /// <inheritdoc/>
    public abstract string Format { get; }

    /// <inheritdoc/>
    public abstract IReadOnlyList<Signature> Signatures { get; }

    /// <inheritdoc/>
    public abstract bool TryIdentify(IByteSource source, out long length);

    /// <summary>Opens the archive over exactly its bytes.</summary>
    protected abstract IArchive Open(Stream stream);

    /// <summary>
    /// Checks the archive's own structures before the library sees them (counts and sizes against the
    /// bytes present and the limits, so the library never allocates for what cannot be there) and
    /// returns what the reader knows about each member in the library's entry order, or null.
    /// Throws <see cref="FirmwareFormatException"/> subtypes.
    /// </summary>
    private protected virtual IReadOnlyList<MemberInfo>? Inspect(IByteSource archive, ReadContext context, List<string> warnings) => null;

    /// <summary>A member as the reader's own parse sees it.</summary>
    /// <param name="Name">Name decoded from its bytes with <see cref="EntryName.Decode"/>.</param>
    /// <param name="CompressedSize">Must match the library's, or the two parses disagree.</param>
    /// <param name="Size">Must match the library's.</param>
    /// <param name="Skip">Not decoded (its data overlaps an earlier member's); already reported.</param>
    private protected sealed record MemberInfo(string Name, long CompressedSize, long Size, bool Skip)
    {
        /// <summary>Where a raw deflate stream of the member starts, when it can be decoded directly; else -1.</summary>
        public long DeflateStart { get; init; } = -1;

        /// <summary>CRC-32 of the decoded member, checked when it is decoded directly.</summary>
        public uint Crc { get; init; }
    }

    /// <summary>
    /// Members are decoded in one sequential pass over the archive when the first content is needed,
    /// rather than one by one (7z: members of a solid folder cannot be decoded independently).
    /// </summary>
    private protected virtual bool DecodesInOnePass => false;

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context) =>
        Read(source, TryIdentify(source, out long length) ? length : -1, context);

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, long identifiedLength, ReadContext context)
    {
        long length = identifiedLength;
        if (length <= 0 || length > source.Length)
        {
            throw new TruncatedInputException(Format, 0, "end of archive not found");
        }

        var bytes = source.Slice(0, length);
        var entries = new EntryListBuilder(Format, context) { BackslashIsSeparator = true };
        var warnings = new List<string>();
        IReadOnlyList<MemberInfo>? known;
        try
        {
            known = Inspect(bytes, context, warnings);
        }
        catch (OverflowException)
        {
            throw new CorruptDataException(Format, 0, "header field out of range");
        }

        IArchive archive;
        List<IArchiveEntry> members;
        try
        {
            // The library reads headers a few bytes at a time: unbuffered, each read is a system call
            // on a file source (dozens per member).
            archive = context.Own(Open(new BufferedStream(new ByteSourceStream(bytes), StreamBufferBytes)));
            members = [.. archive.Entries];
        }
        catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
        {
            throw new CorruptDataException(Format, 0, e.Message);
        }

        if (known is not null)
        {
            CheckAgrees(known, members);
        }

        // Names first (warnings in member order), then entries: a one-pass decoder must know which
        // members are wanted before a symlink target is read.
        var pending = new List<Pending>();
        for (int i = 0; i < members.Count; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (known?[i] is { Skip: true })
            {
                continue;
            }

            try
            {
                if (Describe(entries, members[i], i, known?[i].Name ?? members[i].Key ?? "") is { } p)
                {
                    pending.Add(p);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
            {
                throw new CorruptDataException(Format, 0, $"entry {i}: {e.Message}");
            }
        }

        var pass = DecodesInOnePass ? new OnePass(Format, archive, members, pending.Where(p => p.Size > 0 || p.ReadsTarget).Select(p => p.Index), length, context) : null;
        foreach (var p in pending)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            try
            {
                AddMember(entries, archive, pass, p, bytes, known?[p.Index], context);
            }
            catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
            {
                throw new CorruptDataException(Format, 0, $"entry {p.Index}: {e.Message}");
            }
        }

        warnings.AddRange(entries.Warnings);
        return new ReadResult { Length = length, FileSystem = entries.Build(), AnalyseMembers = true }.WithWarnings(warnings);
    }

    // Overlap and count checks rely on the reader's parse; the data comes from the library's. Both must
    // describe the same members, or a crafted archive could show one directory to each.
    private void CheckAgrees(IReadOnlyList<MemberInfo> known, List<IArchiveEntry> members)
    {
        if (known.Count != members.Count)
        {
            throw new CorruptDataException(Format, 0, $"directory holds {known.Count} entries but the decoder sees {members.Count}");
        }

        for (int i = 0; i < known.Count; i++)
        {
            long compressed;
            long size;
            try
            {
                compressed = members[i].CompressedSize;
                size = members[i].Size;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new CorruptDataException(Format, 0, $"entry {i}: {e.Message}");
            }

            if (compressed != known[i].CompressedSize || size != known[i].Size)
            {
                throw new CorruptDataException(Format, 0, $"entry {i} ('{EntryName.Display(known[i].Name)}') is read differently by the decoder");
            }
        }
    }

    // What a member becomes, before any content is read; null when its name is refused.
    private Pending? Describe(EntryListBuilder entries, IArchiveEntry member, int index, string key)
    {
        key = EntryName.Canonical(key);
        var path = entries.NormalizeOrReject(key, 0);
        if (path is null)
        {
            return null;
        }

        int unixMode = member.Attrib is { } a && (a >> 16) != 0 ? (a >> 16) & 0xFFFF : 0;
        var type = member.IsDirectory ? EntryType.Dir : unixMode != 0 ? CpioReader.TypeOf(unixMode) : EntryType.File;
        int mode = unixMode != 0 ? unixMode & 0xFFF : member.IsDirectory ? 0x1ED : 0x1A4;
        if (member.IsEncrypted)
        {
            entries.Warnings.Add($"{Format}: member '{EntryName.Display(key)}' is encrypted; content not analysed");
        }

        long size = type == EntryType.File && !member.IsEncrypted ? member.Size : 0;
        bool readsTarget = type == EntryType.Symlink && string.IsNullOrEmpty(member.LinkTarget) && member.Size is > 0 and < 4096 && !member.IsEncrypted;
        return new Pending(index, member, key, path, type, mode, size, readsTarget);
    }

    private void AddMember(EntryListBuilder entries, IArchive archive, OnePass? pass, Pending p, IByteSource bytes, MemberInfo? info, ReadContext context)
    {
        var member = p.Member;
        IByteSource Content() => pass?.Take(p.Index)
            ?? (info is { DeflateStart: >= 0 } direct ? Inflate(bytes, direct, p.Key, context) : Decode(archive, member, p.Key, bytes.Length, context));
        IByteSource? content = p.Size > 0 ? new LazyByteSource(p.Size, Content) : p.Type == EntryType.File ? new MemoryByteSource(ReadOnlyMemory<byte>.Empty) : null;
        string? target = null;
        if (p.Type == EntryType.Symlink)
        {
            target = member.LinkTarget is { } linked ? EntryName.Canonical(linked) : null;
            if (p.ReadsTarget)
            {
                var src = Content();
                var buf = new byte[src.Length];
                src.ReadExactly(0, buf, Format);
                target = EntryName.Decode(buf);
            }
        }

        entries.Add(new FsEntry
        {
            Path = p.Path,
            Type = p.Type,
            Mode = p.Mode,
            Size = p.Size,
            MTime = member.LastModifiedTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeSeconds() : 0,
            LinkTarget = target,
            Content = content,
        });
    }

    private IByteSource Inflate(IByteSource archive, MemberInfo info, string key, ReadContext context)
    {
        if (info.DeflateStart + info.CompressedSize > archive.Length)
        {
            throw new CorruptDataException(Format, info.DeflateStart, $"member '{EntryName.Display(key)}': data runs past the archive");
        }

        var output = context.CreateOutput(Format, info.DeflateStart, () => Math.Max(info.CompressedSize, 1));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            var crc = new Crc32();
            using (var deflate = new DeflateStream(new ByteSourceStream(archive.Slice(info.DeflateStart, info.CompressedSize)), CompressionMode.Decompress))
            {
                int n;
                while ((n = deflate.Read(buffer, 0, buffer.Length)) > 0)
                {
                    output.Write(buffer, 0, n);
                    crc.Append(buffer.AsSpan(0, n));
                }
            }

            if (output.Length != info.Size || crc.GetCurrentHashAsUInt32() != info.Crc)
            {
                throw new CorruptDataException(Format, info.DeflateStart, $"member '{EntryName.Display(key)}' decodes to {output.Length} bytes with CRC-32 {crc.GetCurrentHashAsUInt32():x8}; the directory says {info.Size} bytes, {info.Crc:x8}");
            }

            return output.ToSource();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.Dispose();
            throw e is FirmwareFormatException ? e : new CorruptDataException(Format, info.DeflateStart, $"member '{EntryName.Display(key)}': {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private IByteSource Decode(IArchive archive, IArchiveEntry member, string key, long archiveLength, ReadContext context)
    {
        // 7z members of a solid folder have no compressed size of their own (0): the ratio is then
        // taken against the whole archive.
        long encoded = member.CompressedSize > 0 ? member.CompressedSize : archiveLength;
        // SharpCompress archives share one stream: decode members one at a time.
        lock (archive)
        {
            var output = context.CreateOutput(Format, 0, () => Math.Max(encoded, 1));
            try
            {
                using var stream = member.OpenEntryStream();
                stream.CopyTo(output);
            }
            catch (LimitExceededException)
            {
                output.Dispose();
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
            {
                output.Dispose();
                throw new CorruptDataException(Format, 0, $"member '{EntryName.Display(key)}': {e.Message}");
            }

            return output.ToSource();
        }
    }

    private sealed record Pending(int Index, IArchiveEntry Member, string Key, string Path, EntryType Type, int Mode, long Size, bool ReadsTarget);

    /// <summary>
    /// Decodes every member in one sequential pass, the first time any member's content is needed.
    /// SharpCompress decodes a member of a solid 7z folder from the start of the folder and drops what
    /// precedes it, so member-by-member reading costs O(N^2) for N members in a folder, none of it
    /// charged to a limit; the library's reader keeps each folder's stream open from member to member.
    /// Wanted members go to their own <see cref="DecodedOutput"/> (the only copy kept); the others are
    /// read through and charged. The pass as a whole is held to the ratio against the archive length.
    /// </summary>
    private sealed class OnePass(string format, IArchive archive, List<IArchiveEntry> members, IEnumerable<int> wanted, long archiveLength, ReadContext context)
    {
        private const int ChunkBytes = 1 << 16;
        private const int SmallMemberBytes = 1 << 16;

        private readonly Dictionary<object, int> _indexOf = members.Select((m, i) => (m, i)).ToDictionary(x => (object)x.m, x => x.i, ReferenceEqualityComparer.Instance);
        private readonly Lock _gate = new();
        private readonly HashSet<int> _wanted = [.. wanted];
        private readonly IByteSource?[] _decoded = new IByteSource?[members.Count];
        private readonly FirmwareFormatException?[] _errors = new FirmwareFormatException?[members.Count];
        private bool _ran;
        private bool _canceled;
        private long _total;

        // Why the pass stopped before the end, and at which member (-1: before the first).
        private FirmwareFormatException? _stop;
        private int _stopAt = -1;

        /// <summary>The member's decoded bytes; runs the pass on first use. Thread-safe.</summary>
        public IByteSource Take(int index)
        {
            lock (_gate)
            {
                if (!_ran)
                {
                    _ran = true;
                    Run();
                }

                if (_decoded[index] is { } source)
                {
                    return source;
                }

                if (_canceled)
                {
                    throw new OperationCanceledException(context.CancellationToken);
                }

                throw _errors[index] ?? NotDecoded(index);
            }
        }

        private FirmwareFormatException NotDecoded(int index)
        {
            string name = EntryName.Display(members[index].Key ?? "");
            if (_stop is null)
            {
                return new CorruptDataException(format, 0, $"member '{name}' was not produced by the decoder");
            }

            string where = _stopAt >= 0 ? $" at member '{EntryName.Display(members[_stopAt].Key ?? "")}'" : "";
            string message = $"member '{name}' not decoded: decoding stopped{where}: {_stop.Message}";
            return _stop is LimitExceededException limit ? new LimitExceededException(format, 0, limit.Limit, message) : new CorruptDataException(format, 0, message);
        }

        private void Run()
        {
            int current = -1;
            try
            {
                using var reader = archive.ExtractAllEntries();
                while (reader.MoveToNextEntry())
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    if (reader.Entry.IsDirectory)
                    {
                        continue;
                    }

                    if (reader.Entry is not IArchiveEntry entry || !_indexOf.TryGetValue(entry, out current))
                    {
                        throw new CorruptDataException(format, 0, "the decoder's entries differ from the archive's");
                    }

                    if (entry.IsEncrypted)
                    {
                        // The library can only pass an encrypted member by decrypting it.
                        if (_wanted.Any(i => i > current))
                        {
                            throw new CorruptDataException(format, 0, "members after an encrypted member cannot be decoded without its key");
                        }

                        return;
                    }

                    Copy(reader, current);
                }
            }
            catch (OperationCanceledException)
            {
                _canceled = true;
                throw;
            }
            catch (FirmwareFormatException e)
            {
                // A limit was recorded once, where it was hit; each member left reports it when read.
                _stop = e;
                _stopAt = current;
            }
            catch (Exception e)
            {
                _stop = new CorruptDataException(format, 0, e.Message);
                _stopAt = current;
            }
        }

        private void Copy(SharpCompress.Readers.IReader reader, int index)
        {
            var member = members[index];
            long size = member.Size;
            long encoded = member.CompressedSize > 0 ? member.CompressedSize : archiveLength;

            // Small members get an array of their exact size: a solid folder holds many of them, and an
            // output's smallest buffer would multiply their memory.
            byte[]? exact = null;
            DecodedOutput? output = null;
            if (_wanted.Contains(index))
            {
                if (size <= SmallMemberBytes && context.TryReserveMemory(size))
                {
                    exact = new byte[size];
                }
                else
                {
                    output = context.CreateOutput(format, 0, () => Math.Max(encoded, 1));
                }
            }

            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkBytes);
            bool kept = false;
            try
            {
                long length = 0;
                using (var stream = reader.OpenEntryStream())
                {
                    int n;
                    while ((n = stream.Read(buffer, 0, (int)Math.Min(ChunkBytes, Math.Max(size - length, 1)))) > 0)
                    {
                        if (n > size - length)
                        {
                            throw new CorruptDataException(format, 0, $"member '{EntryName.Display(member.Key ?? "")}' decodes to more than {size} bytes");
                        }

                        Charge(n, charged: output is not null);
                        if (exact is not null)
                        {
                            buffer.AsSpan(0, n).CopyTo(exact.AsSpan((int)length));
                        }

                        output?.Write(buffer, 0, n);
                        length += n;
                    }
                }

                if (exact is null && output is null)
                {
                    return;
                }

                if (length != size)
                {
                    _errors[index] = new TruncatedInputException(format, 0, $"member '{EntryName.Display(member.Key ?? "")}' decodes to {length} bytes, {size} expected");
                    return;
                }

                _decoded[index] = exact is not null ? new MemoryByteSource(exact) : output!.ToSource();
                kept = true;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                if (!kept)
                {
                    output?.Dispose();
                    if (exact is not null)
                    {
                        context.ReleaseMemory(size);
                    }
                }
            }
        }

        // The pass's own total against the archive: members of one folder share its compressed bytes.
        private void Charge(int count, bool charged)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (!charged)
            {
                context.Budget.AddBytes(count, format, 0);
            }

            _total += count;
            if (_total > context.Limits.RatioFloorBytes && _total > Math.Max(archiveLength, 1) * context.Limits.MaxRatio)
            {
                throw context.Budget.Hit(new LimitExceededException(format, 0, "ratio",
                    $"decoded {_total} bytes from {archiveLength}: ratio above {context.Limits.MaxRatio} (--max-ratio); looks like a decompression bomb"));
            }
        }
    }
}
