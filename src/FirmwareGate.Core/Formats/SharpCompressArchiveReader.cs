using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;
using SharpCompress.Archives;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Archives read with SharpCompress (zip, 7z). Members are decoded lazily, one at a time, into
/// bounded outputs; the ratio limit uses each member's compressed size.
/// </summary>
public abstract class SharpCompressArchiveReader : IFormatReader
{
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
    private protected sealed record MemberInfo(string Name, long CompressedSize, long Size, bool Skip);

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
        var entries = new EntryListBuilder(Format, context);
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
            archive = context.Own(Open(new ByteSourceStream(bytes)));
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

        for (int i = 0; i < members.Count; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (known?[i] is { Skip: true })
            {
                continue;
            }

            try
            {
                AddMember(entries, archive, members[i], known?[i].Name ?? members[i].Key ?? "", length, context);
            }
            catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
            {
                throw new CorruptDataException(Format, 0, $"entry {i}: {e.Message}");
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

    private void AddMember(EntryListBuilder entries, IArchive archive, IArchiveEntry member, string key, long archiveLength, ReadContext context)
    {
        var path = entries.NormalizeOrReject(key, 0);
        if (path is null)
        {
            return;
        }

        int unixMode = member.Attrib is { } a && (a >> 16) != 0 ? (a >> 16) & 0xFFFF : 0;
        var type = member.IsDirectory ? EntryType.Dir : unixMode != 0 ? CpioReader.TypeOf(unixMode) : EntryType.File;
        int mode = unixMode != 0 ? unixMode & 0xFFF : member.IsDirectory ? 0x1ED : 0x1A4;
        if (member.IsEncrypted)
        {
            entries.Warnings.Add($"{Format}: member '{EntryName.Display(key)}' is encrypted; content not analysed");
        }

        long size = type == EntryType.File && !member.IsEncrypted ? member.Size : 0;
        IByteSource? content = size > 0 ? new LazyByteSource(size, () => Decode(archive, member, key, archiveLength, context)) : type == EntryType.File ? new MemoryByteSource(ReadOnlyMemory<byte>.Empty) : null;
        string? target = null;
        if (type == EntryType.Symlink)
        {
            target = member.LinkTarget;
            if (string.IsNullOrEmpty(target) && member.Size is > 0 and < 4096)
            {
                var src = Decode(archive, member, key, archiveLength, context);
                var buf = new byte[src.Length];
                src.ReadExactly(0, buf, Format);
                target = EntryName.Decode(buf);
            }
        }

        entries.Add(new FsEntry
        {
            Path = path,
            Type = type,
            Mode = mode,
            Size = size,
            MTime = member.LastModifiedTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeSeconds() : 0,
            LinkTarget = target,
            Content = content,
        });
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
}
