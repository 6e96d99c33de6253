using System.Buffers.Binary;
using System.IO.Hashing;
using FirmwareGate.Core.Sources;
using SharpCompress.Archives;
using SharpCompress.Archives.SevenZip;
using SharpCompress.Readers;

namespace FirmwareGate.Core.Formats;

/// <summary>7z archives; the signature header gives the exact archive length.</summary>
public sealed class SevenZipReader : SharpCompressArchiveReader
{
    private const int SignatureHeaderSize = 32;

    /// <inheritdoc/>
    public override string Format => "7z";

    // 37 7a bc af 27 1c: "7z\xBC\xAF\x27\x1C" (7zFormat.txt, SignatureHeader).
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[SignatureHeaderSize];
        if (source.ReadFully(0, h) < SignatureHeaderSize || Crc32.HashToUInt32(h[12..32]) != BinaryPrimitives.ReadUInt32LittleEndian(h[8..]))
        {
            return false;
        }

        ulong nextOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[12..]);
        ulong nextSize = BinaryPrimitives.ReadUInt64LittleEndian(h[20..]);
        if (nextOffset > (ulong)source.Length || nextSize > (ulong)source.Length)
        {
            return false;
        }

        length = SignatureHeaderSize + (long)nextOffset + (long)nextSize;
        return true;
    }

    /// <inheritdoc/>
    private protected override bool DecodesInOnePass => true;

    /// <inheritdoc/>
    protected override IArchive Open(Stream stream) => SevenZipArchive.OpenArchive(stream, new ReaderOptions { LeaveStreamOpen = false });

    /// <summary>
    /// Walks the header (7zFormat.txt) and checks every count against the bytes left in it before
    /// SharpCompress allocates for them: a 41-byte archive claiming 16M files made it allocate gigabytes.
    /// An encoded header is bounded in size and ratio, and decoded here when it is plain LZMA or LZMA2
    /// so its counts are checked too.
    /// </summary>
    private protected override IReadOnlyList<MemberInfo>? Inspect(IByteSource archive, ReadContext context, List<string> warnings)
    {
        Span<byte> h = stackalloc byte[SignatureHeaderSize];
        archive.ReadExactly(0, h, Format);
        ulong nextOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[12..]);
        ulong nextSize = BinaryPrimitives.ReadUInt64LittleEndian(h[20..]);
        if (nextSize == 0)
        {
            return null;
        }

        long at = checked(SignatureHeaderSize + (long)nextOffset);
        if (nextSize > SevenZipHeader.MaxHeaderBytes || (long)nextSize > archive.Length - at)
        {
            throw new CorruptDataException(Format, at, $"header of {nextSize} bytes does not fit the archive");
        }

        var bytes = new byte[(int)nextSize];
        archive.ReadExactly(at, bytes, Format);
        var header = new SevenZipHeader(bytes, at, context.Limits);
        if (header.IsEncoded)
        {
            var encoded = header.ReadEncodedHeader(archive.Length);
            var decoded = DecodeHeader(archive, encoded, context);
            if (decoded is null)
            {
                return null;
            }

            header = new SevenZipHeader(decoded, at, context.Limits);
            if (header.IsEncoded)
            {
                throw new CorruptDataException(Format, at, "encoded header decodes to another encoded header");
            }
        }

        header.CheckHeader();
        return null;
    }

    // The header is packed with one LZMA or LZMA2 coder in practice (7-Zip's default); other methods
    // (filters, AES) are left to SharpCompress, bounded by the size checks already made.
    private byte[]? DecodeHeader(IByteSource archive, SevenZipHeader.EncodedHeader encoded, ReadContext context)
    {
        bool lzma = encoded.Method.SequenceEqual(new byte[] { 0x03, 0x01, 0x01 }) && encoded.Properties.Length == 5;
        bool lzma2 = encoded.Method.SequenceEqual(new byte[] { 0x21 }) && encoded.Properties.Length == 1;
        if (!lzma && !lzma2)
        {
            return null;
        }

        // The dictionary comes from the input: never reserve more window than the output needs.
        var props = (byte[])encoded.Properties.Clone();
        if (lzma)
        {
            uint dictionary = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(props.AsSpan(1)), (uint)Math.Max(encoded.UnpackSize, 4096));
            BinaryPrimitives.WriteUInt32LittleEndian(props.AsSpan(1), dictionary);
        }
        else
        {
            props[0] = (byte)Math.Min(props[0], Lzma2PropertyFor(encoded.UnpackSize));
        }

        var output = new byte[(int)encoded.UnpackSize];
        try
        {
            using var input = new ByteSourceStream(archive.Slice(encoded.PackOffset, encoded.PackSize));
            using var lzmaStream = SharpCompress.Compressors.LZMA.LzmaStream.Create(props, input, encoded.PackSize, encoded.UnpackSize, leaveOpen: true);
            int total = 0;
            while (total < output.Length)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                int n = lzmaStream.Read(output, total, output.Length - total);
                if (n <= 0)
                {
                    break;
                }

                total += n;
            }

            if (total < output.Length)
            {
                throw new CorruptDataException(Format, encoded.PackOffset, $"encoded header decodes to {total} bytes, {output.Length} expected");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
        {
            throw new CorruptDataException(Format, encoded.PackOffset, $"encoded header: {e.Message}");
        }

        return output;
    }

    // LZMA2 dictionary property p: size (2 | (p & 1)) << (p / 2 + 11); the smallest that holds the output.
    private static byte Lzma2PropertyFor(long size)
    {
        for (byte p = 0; p < 40; p++)
        {
            if ((2L | (p & 1L)) << ((p / 2) + 11) >= size)
            {
                return p;
            }
        }

        return 40;
    }

    /// <summary>
    /// A just-enough walk of a 7z header (7zFormat.txt) that bounds every count by the bytes left, the
    /// way SharpCompress reads it (same attribute order and skipping), without building anything.
    /// </summary>
    private sealed class SevenZipHeader(byte[] data, long offset, ReadLimits limits)
    {
        /// <summary>Largest header, plain or decoded, handed to the library.</summary>
        public const int MaxHeaderBytes = 64 << 20;

        // An encoded header may decode to this much whatever its ratio; past it the ratio limit applies.
        private const long RatioFreeBytes = 1 << 20;

        // Property IDs (7zFormat.txt, "Property IDs").
        private const ulong EndId = 0x00;
        private const ulong HeaderId = 0x01;
        private const ulong ArchivePropertiesId = 0x02;
        private const ulong AdditionalStreamsInfoId = 0x03;
        private const ulong MainStreamsInfoId = 0x04;
        private const ulong FilesInfoId = 0x05;
        private const ulong PackInfoId = 0x06;
        private const ulong UnpackInfoId = 0x07;
        private const ulong SubStreamsInfoId = 0x08;
        private const ulong SizeId = 0x09;
        private const ulong CrcId = 0x0A;
        private const ulong FolderId = 0x0B;
        private const ulong CodersUnpackSizeId = 0x0C;
        private const ulong NumUnpackStreamId = 0x0D;
        private const ulong EncodedHeaderId = 0x17;

        // 7-Zip's own bounds on a folder's coders and their streams.
        private const int MaxCoders = 64;
        private const int MaxCoderStreams = 64;

        private int _pos;

        public bool IsEncoded => data.Length > 0 && data[0] == EncodedHeaderId;

        private int Remaining => data.Length - _pos;

        /// <summary>The single folder an encoded header is packed in, checked against the archive and the limits.</summary>
        public EncodedHeader ReadEncodedHeader(long archiveLength)
        {
            _pos = 0;
            Number();
            var streams = ReadStreamsInfo();
            if (streams.Folders.Count != 1 || streams.PackSizes.Count < streams.Folders[0].PackStreams)
            {
                throw Corrupt($"encoded header is packed in {streams.Folders.Count} folders; one expected");
            }

            var folder = streams.Folders[0];
            long packed = 0;
            foreach (long size in streams.PackSizes)
            {
                packed = checked(packed + size);
            }

            long packOffset = checked(SignatureHeaderSize + streams.PackPos);
            if (packOffset > archiveLength || packed > archiveLength - packOffset)
            {
                throw Corrupt($"encoded header data at 0x{packOffset:x} ({packed} bytes) lies outside the archive");
            }

            long unpack = folder.MainUnpackSize;
            if (unpack > MaxHeaderBytes || (unpack > RatioFreeBytes && unpack > packed * limits.MaxRatio))
            {
                throw Corrupt($"encoded header claims {unpack} bytes from {packed}");
            }

            bool plain = folder.Coders.Count == 1 && folder.PackStreams == 1;
            return new EncodedHeader(packOffset, streams.PackSizes[0], unpack, plain ? folder.Coders[0].Method : [], plain ? folder.Coders[0].Properties : []);
        }

        /// <summary>Checks a plain header (kHeader).</summary>
        public void CheckHeader()
        {
            _pos = 0;
            if (Number() != HeaderId)
            {
                throw Corrupt("header does not start with kHeader");
            }

            ulong id = Number();
            if (id == ArchivePropertiesId)
            {
                while (Number() != EndId)
                {
                    SkipData();
                }

                id = Number();
            }

            if (id == AdditionalStreamsInfoId)
            {
                throw Corrupt("additional streams in the header are not supported");
            }

            if (id == MainStreamsInfoId)
            {
                ReadStreamsInfo();
                id = Number();
            }

            if (id == FilesInfoId)
            {
                // Every file has at least a name in the header (two bytes of UTF-16 terminator).
                ulong files = Number();
                if (files > (ulong)limits.MaxFiles)
                {
                    throw new LimitExceededException("7z", offset, "files", $"header claims {files} files, more than {limits.MaxFiles} (--max-files)");
                }

                if (files > (ulong)Remaining)
                {
                    throw Corrupt($"header claims {files} files in {Remaining} bytes");
                }

                while (Number() != EndId)
                {
                    SkipData();
                }
            }
        }

        private Streams ReadStreamsInfo()
        {
            long packPos = 0;
            var packSizes = new List<long>();
            var folders = new List<FolderShape>();
            while (true)
            {
                ulong id = Number();
                switch (id)
                {
                    case EndId:
                        return new Streams(packPos, packSizes, folders);
                    case PackInfoId:
                        packPos = Long();
                        int numPack = Count(Remaining, "pack streams");
                        WaitAttribute(SizeId);
                        for (int i = 0; i < numPack; i++)
                        {
                            packSizes.Add(Long());
                        }

                        SkipAttributes(CrcId, numPack);
                        break;
                    case UnpackInfoId:
                        WaitAttribute(FolderId);
                        int numFolders = Count(Remaining, "folders");
                        if (Byte() != 0)
                        {
                            throw Corrupt("folders stored outside the header are not supported");
                        }

                        for (int i = 0; i < numFolders; i++)
                        {
                            folders.Add(ReadFolder());
                        }

                        WaitAttribute(CodersUnpackSizeId);
                        foreach (var folder in folders)
                        {
                            for (int j = 0; j < folder.OutStreams; j++)
                            {
                                folder.UnpackSizes.Add(Long());
                            }
                        }

                        ulong attribute;
                        while ((attribute = Number()) != EndId)
                        {
                            if (attribute == CrcId)
                            {
                                var defined = Digests(numFolders);
                                for (int i = 0; i < numFolders; i++)
                                {
                                    folders[folders.Count - numFolders + i].CrcDefined = defined[i];
                                }
                            }
                            else
                            {
                                SkipData();
                            }
                        }

                        break;
                    case SubStreamsInfoId:
                        ReadSubStreamsInfo(folders);
                        break;
                    default:
                        throw Corrupt($"unexpected property 0x{id:x} in streams info");
                }
            }
        }

        private void ReadSubStreamsInfo(List<FolderShape> folders)
        {
            // Streams past the first of each folder need a size each: the total bounds the lists built for them.
            var counts = folders.Select(_ => 1L).ToList();
            ulong id;
            while (true)
            {
                id = Number();
                if (id == NumUnpackStreamId)
                {
                    long total = 0;
                    for (int i = 0; i < folders.Count; i++)
                    {
                        counts[i] = Count(Remaining + 1L, "streams in a folder");
                        total += counts[i];
                    }

                    if (total > (long)data.Length + folders.Count)
                    {
                        throw Corrupt($"header claims {total} streams in {data.Length} bytes");
                    }

                    continue;
                }

                if (id is SizeId or CrcId or EndId)
                {
                    break;
                }

                SkipData();
            }

            if (id == SizeId)
            {
                foreach (long n in counts)
                {
                    for (long j = 1; j < n; j++)
                    {
                        Long();
                    }
                }

                id = Number();
            }

            long digests = 0;
            for (int i = 0; i < folders.Count; i++)
            {
                digests += counts[i] == 1 && folders[i].CrcDefined ? 0 : counts[i];
            }

            while (id != EndId)
            {
                if (id == CrcId)
                {
                    Digests(digests);
                }
                else
                {
                    SkipData();
                }

                id = Number();
            }
        }

        private FolderShape ReadFolder()
        {
            int numCoders = Count(MaxCoders, "coders");
            var coders = new List<Coder>(numCoders);
            int inStreams = 0;
            int outStreams = 0;
            for (int i = 0; i < numCoders; i++)
            {
                byte main = Byte();
                if ((main & 0xC0) != 0 || (main & 0xF) > 8)
                {
                    throw Corrupt($"unsupported coder flags 0x{main:x2}");
                }

                var method = Bytes(main & 0xF);
                int ins = 1;
                int outs = 1;
                if ((main & 0x10) != 0)
                {
                    ins = Count(MaxCoderStreams, "coder streams");
                    outs = Count(MaxCoderStreams, "coder streams");
                }

                var props = (main & 0x20) != 0 ? Bytes(Count(Remaining, "coder properties")) : [];
                coders.Add(new Coder(method, props));
                inStreams += ins;
                outStreams += outs;
            }

            if (outStreams < 1 || inStreams < outStreams - 1)
            {
                throw Corrupt("folder streams do not connect");
            }

            var boundOut = new HashSet<ulong>();
            for (int i = 0; i < outStreams - 1; i++)
            {
                Number();
                boundOut.Add(Number());
            }

            int packStreams = inStreams - (outStreams - 1);
            if (packStreams > 1)
            {
                for (int i = 0; i < packStreams; i++)
                {
                    Number();
                }
            }

            return new FolderShape(coders, outStreams, packStreams, boundOut);
        }

        private void WaitAttribute(ulong attribute)
        {
            while (true)
            {
                ulong id = Number();
                if (id == attribute)
                {
                    return;
                }

                if (id == EndId)
                {
                    throw Corrupt($"property 0x{attribute:x} missing");
                }

                SkipData();
            }
        }

        // Reads attributes up to kEnd: CRC digests for count items, anything else skipped by its size.
        private void SkipAttributes(ulong crcId, long count)
        {
            ulong id;
            while ((id = Number()) != EndId)
            {
                if (id == crcId)
                {
                    Digests(count);
                }
                else
                {
                    SkipData();
                }
            }
        }

        // Which of count items have a CRC-32; the CRCs themselves are skipped.
        private bool[] Digests(long count)
        {
            bool all = Byte() != 0;
            if (count > (all ? Remaining / 4 : Remaining * 8L))
            {
                throw Corrupt($"{count} digests do not fit the header");
            }

            var defined = new bool[count];
            int ones = 0;
            for (int i = 0; i < count; i++)
            {
                defined[i] = all || (data[_pos + (i / 8)] & (0x80 >> (i % 8))) != 0;
                ones += defined[i] ? 1 : 0;
            }

            _pos += all ? 0 : (int)((count + 7) / 8);
            Skip(ones * 4L);
            return defined;
        }

        private void SkipData() => Skip(Long());

        private void Skip(long count)
        {
            if (count > Remaining)
            {
                throw Corrupt("field runs past the header");
            }

            _pos += (int)count;
        }

        private int Count(long max, string what)
        {
            ulong value = Number();
            if (value > (ulong)Math.Max(0, Math.Min(max, Remaining)))
            {
                throw Corrupt($"header claims {value} {what} in {Remaining} bytes");
            }

            return (int)value;
        }

        private long Long()
        {
            ulong value = Number();
            return value <= long.MaxValue ? (long)value : throw Corrupt($"number 0x{value:x} out of range");
        }

        private byte Byte() => _pos < data.Length ? data[_pos++] : throw new TruncatedInputException("7z", offset + _pos, "header ends early");

        private byte[] Bytes(int count)
        {
            if (count > Remaining)
            {
                throw new TruncatedInputException("7z", offset + _pos, "header ends early");
            }

            var bytes = data.AsSpan(_pos, count).ToArray();
            _pos += count;
            return bytes;
        }

        // 7zFormat.txt "REAL_UINT64": the leading one bits of the first byte count the extra bytes.
        private ulong Number()
        {
            byte first = Byte();
            byte mask = 0x80;
            ulong value = 0;
            for (int i = 0; i < 8; i++)
            {
                if ((first & mask) == 0)
                {
                    ulong high = (ulong)(first & (mask - 1));
                    return value | (high << (8 * i));
                }

                value |= (ulong)Byte() << (8 * i);
                mask >>= 1;
            }

            return value;
        }

        private CorruptDataException Corrupt(string message) => new("7z", offset + _pos, message);

        /// <summary>Where an encoded header's packed bytes are and how to decode them (empty method: not plain LZMA).</summary>
        public sealed record EncodedHeader(long PackOffset, long PackSize, long UnpackSize, byte[] Method, byte[] Properties);

        private sealed record Coder(byte[] Method, byte[] Properties);

        private sealed record Streams(long PackPos, List<long> PackSizes, List<FolderShape> Folders);

        private sealed record FolderShape(List<Coder> Coders, int OutStreams, int PackStreams, HashSet<ulong> BoundOutStreams)
        {
            public List<long> UnpackSizes { get; } = [];

            public bool CrcDefined { get; set; }

            // The folder's output is the one out stream no bind pair consumes.
            public long MainUnpackSize
            {
                get
                {
                    for (int i = UnpackSizes.Count - 1; i >= 0; i--)
                    {
                        if (!BoundOutStreams.Contains((ulong)i))
                        {
                            return UnpackSizes[i];
                        }
                    }

                    return 0;
                }
            }
        }
    }
}
