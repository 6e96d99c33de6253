using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.IO.Hashing;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>Crafted zip and 7z archives: shared data, lying counts, end-record floods and byte names.</summary>
public sealed class ZipAttackTests
{
    [Fact]
    public void Entries_sharing_one_local_header_are_reported_and_decoded_once()
    {
        // One 1 MiB member and 200 directory entries pointing at it: 200 MiB of output from a few KB.
        var data = Deflate(new byte[1 << 20]);
        var zip = new ZipBuilder();
        long local = zip.AddLocal("f000"u8, data, crc: Crc32.HashToUInt32(new byte[1 << 20]), size: 1 << 20, method: 8);
        for (int i = 0; i < 200; i++)
        {
            zip.AddCentral(System.Text.Encoding.ASCII.GetBytes($"f{i:d3}"), local, data.Length, crc: Crc32.HashToUInt32(new byte[1 << 20]), size: 1 << 20, method: 8);
        }

        using var context = new ReadContext(ReadLimits.Default);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = new ZipReader().Read(new MemoryByteSource(zip.Finish()), context);
        var files = result.FileSystem!.Entries.Where(e => e.Type == EntryType.File).ToList();
        foreach (var f in files)
        {
            f.Content!.ReadFully(0, new byte[1]);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var file = Assert.Single(files);
        Assert.Equal("/f000", file.Path);
        Assert.Contains(result.Warnings, w => w.Contains("entries 'f000' and 'f001' share data at 0x0; 'f001' not extracted", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("189 more entries share data", StringComparison.Ordinal));
        Assert.True(context.Budget.BytesProduced <= 1 << 20, $"decoded {context.Budget.BytesProduced} bytes");
        Assert.True(allocated < 32L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Entry_whose_header_lies_inside_another_members_data_is_not_extracted()
    {
        // The overlapping-file construction: the second entry's local header is inside the first's stored data.
        var inner = new ZipBuilder();
        var payload = "hello, inner"u8.ToArray();
        inner.AddLocal("in"u8, payload, Crc32.HashToUInt32(payload), payload.Length, method: 0);
        var innerBytes = inner.Bytes;

        var zip = new ZipBuilder();
        long outer = zip.AddLocal("outer"u8, innerBytes, Crc32.HashToUInt32(innerBytes), innerBytes.Length, method: 0);
        long innerAt = outer + 30 + "outer".Length;
        zip.AddCentral("outer"u8, outer, innerBytes.Length, Crc32.HashToUInt32(innerBytes), innerBytes.Length, method: 0);
        zip.AddCentral("in"u8, innerAt, payload.Length, Crc32.HashToUInt32(payload), payload.Length, method: 0);

        using var context = new ReadContext(ReadLimits.Default);
        var result = new ZipReader().Read(new MemoryByteSource(zip.Finish()), context);

        Assert.Equal(["/outer"], result.FileSystem!.Entries.Select(e => e.Path));
        Assert.Contains(result.Warnings, w => w.Contains($"entries 'outer' and 'in' share data at 0x{innerAt:x}; 'in' not extracted", StringComparison.Ordinal));
    }

    [Fact]
    public void Central_directory_count_that_cannot_fit_its_size_is_refused()
    {
        var zip = new ZipBuilder();
        var payload = "x"u8.ToArray();
        long local = zip.AddLocal("a"u8, payload, Crc32.HashToUInt32(payload), 1, method: 0);
        zip.AddCentral("a"u8, local, 1, Crc32.HashToUInt32(payload), 1, method: 0);
        var bytes = zip.Finish(declaredEntries: 0xFFFE);

        using var context = new ReadContext(ReadLimits.Default);
        var e = Assert.Throws<CorruptDataException>(() => new ZipReader().Read(new MemoryByteSource(bytes), context));
        Assert.Contains("claims 65534 entries in 47 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_local_headers_without_an_end_record_are_searched_in_linear_time()
    {
        // 8 MB of valid-looking local headers: every one is a candidate, none has an end record.
        var header = new ZipBuilder();
        header.AddLocal("a"u8, [], 0, 0, method: 0);
        var one = header.Bytes;
        var image = new byte[8 << 20];
        for (int i = 0; i + one.Length <= image.Length; i += one.Length)
        {
            one.CopyTo(image, i);
        }

        using var temp = new TempDir();
        string path = temp.Combine("headers.bin");
        File.WriteAllBytes(path, image);
        var watch = Stopwatch.StartNew();
        using var result = Scan.Run(path);
        watch.Stop();

        Assert.DoesNotContain(result.AllLayers, l => l.Format == "zip");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Zip_inside_a_larger_image_is_found_with_its_exact_length()
    {
        byte[] zip = RealZip(("etc/config", "option=1\n"u8.ToArray()), ("bin/tool", new byte[5000]));
        var image = new byte[(1 << 20) + zip.Length + (1 << 20) + zip.Length];
        Array.Fill(image, (byte)0xFF);
        zip.CopyTo(image, 1 << 20);
        zip.CopyTo(image, (2 << 20) + zip.Length);

        using var temp = new TempDir();
        string path = temp.Combine("image.bin");
        File.WriteAllBytes(path, image);
        using var result = Scan.Run(path);

        var zips = result.AllLayers.Where(l => l.Format == "zip").ToList();
        Assert.Equal([(1L << 20, (long)zip.Length), ((2L << 20) + zip.Length, zip.Length)], zips.Select(l => (l.Offset, l.Size)));
        Assert.Contains(zips[0].FileSystem!.Entries, e => e.Path == "/etc/config" && e.Size == 9);
    }

    [Fact]
    public void Names_differing_only_in_invalid_bytes_stay_two_entries()
    {
        var zip = new ZipBuilder();
        var a = "one"u8.ToArray();
        var b = "two"u8.ToArray();
        byte[] nameA = [(byte)'n', 0xFF];
        byte[] nameB = [(byte)'n', 0xFE];
        long la = zip.AddLocal(nameA, a, Crc32.HashToUInt32(a), a.Length, method: 0);
        long lb = zip.AddLocal(nameB, b, Crc32.HashToUInt32(b), b.Length, method: 0);
        zip.AddCentral(nameA, la, a.Length, Crc32.HashToUInt32(a), a.Length, method: 0);
        zip.AddCentral(nameB, lb, b.Length, Crc32.HashToUInt32(b), b.Length, method: 0);

        using var context = new ReadContext(ReadLimits.Default);
        var result = new ZipReader().Read(new MemoryByteSource(zip.Finish()), context);

        var entries = result.FileSystem!.Entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(["/" + EntryName.Decode(nameB), "/" + EntryName.Decode(nameA)], entries.Select(e => e.Path));
        Assert.Equal(nameA, EntryName.ToBytes(entries[1].Path.TrimStart('/')));
        var content = new byte[3];
        entries[1].Content!.ReadExactly(0, content, "test");
        Assert.Equal(a, content);
    }

    [Fact]
    public void Seven_zip_claiming_sixteen_million_files_in_41_bytes_is_refused_before_allocating()
    {
        // kHeader, kFilesInfo, NumFiles = 0x1000000 (REAL_UINT64 E1 00 00 00), kEnd, kEnd.
        byte[] archive = SevenZip([0x01, 0x05, 0xE1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
        Assert.Equal(41, archive.Length);

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var context = new ReadContext(ReadLimits.Default))
        {
            var limit = Assert.Throws<LimitExceededException>(() => new SevenZipReader().Read(new MemoryByteSource(archive), context));
            Assert.Equal("files", limit.Limit);
        }

        using (var context = new ReadContext(ReadLimits.Default with { MaxFiles = int.MaxValue }))
        {
            var corrupt = Assert.Throws<CorruptDataException>(() => new SevenZipReader().Read(new MemoryByteSource(archive), context));
            Assert.Contains("16777216 files", corrupt.Message, StringComparison.Ordinal);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Seven_zip_encoded_header_claiming_a_huge_size_is_refused()
    {
        // kEncodedHeader, PackInfo(pos 0, 1 stream, size 5), UnpackInfo(1 folder, LZMA, unpack 0x3FFFFFFF).
        byte[] header =
        [
            0x17,
            0x06, 0x00, 0x01, 0x09, 0x05, 0x00,
            0x07, 0x0B, 0x01, 0x00, 0x01, 0x23, 0x03, 0x01, 0x01, 0x05, 0x5D, 0x00, 0x00, 0x10, 0x00,
            0x0C, 0xF0, 0xFF, 0xFF, 0xFF, 0x3F, 0x00,
            0x00,
        ];
        byte[] archive = SevenZip(header, packed: new byte[5]);

        using var context = new ReadContext(ReadLimits.Default);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CorruptDataException>(() => new SevenZipReader().Read(new MemoryByteSource(archive), context));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("encoded header claims 1073741823 bytes from 5", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Seven_zip_fixture_with_an_encoded_header_still_reads()
    {
        using var context = new ReadContext(ReadLimits.Default);
        var result = new SevenZipReader().Read(FileByteSourceOf(TestPaths.Fixture("tree.7z"), context), context);
        Assert.NotEmpty(result.FileSystem!.Entries);
        Assert.Empty(result.Warnings);
    }

    private static IByteSource FileByteSourceOf(string path, ReadContext context) => context.Own(FileByteSource.Open(path));

    internal static byte[] SevenZip(byte[] header, byte[]? packed = null)
    {
        packed ??= [];
        var start = new byte[32];
        "7z\xBC\xAF\x27\x1C"u8.CopyTo(start);
        start[7] = 4;
        BinaryPrimitives.WriteUInt64LittleEndian(start.AsSpan(12), (ulong)packed.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(start.AsSpan(20), (ulong)header.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(start.AsSpan(28), Crc32.HashToUInt32(header));
        BinaryPrimitives.WriteUInt32LittleEndian(start.AsSpan(8), Crc32.HashToUInt32(start.AsSpan(12, 20)));
        return [.. start, .. packed, .. header];
    }

    internal static byte[] Deflate(byte[] data)
    {
        var ms = new MemoryStream();
        using (var d = new DeflateStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            d.Write(data);
        }

        return ms.ToArray();
    }

    [Fact]
    public void Zip64_archive_with_more_than_65535_entries_is_found()
    {
        // .NET writes the zip64 records past 65,535 entries; the 16-bit counts of the end record
        // then say 0xFFFF and its directory ends before the zip64 records, not before the end record.
        byte[] zip = RealZip([.. Enumerable.Range(0, 70_000).Select(i => ($"d{i % 100:d2}/f{i:d5}", Array.Empty<byte>()))]);
        using var temp = new TempDir();
        string path = temp.Combine("many.zip");
        File.WriteAllBytes(path, zip);
        using var result = Scan.Run(path);

        var layer = result.Single("zip");
        Assert.Equal(zip.Length, layer.Size);
        Assert.Equal(70_000, layer.FileSystem!.Entries.Count(e => e.Type == EntryType.File));
        Assert.Equal(0, result.ExitCode(allowIncomplete: false));
    }

    [Fact]
    public void Deflated_member_whose_crc_does_not_match_is_corrupt_and_good_members_decode()
    {
        byte[] good = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}\n")));
        var data = Deflate(good);
        var zip = new ZipBuilder();
        long first = zip.AddLocal("good"u8, data, crc: Crc32.HashToUInt32(good), size: good.Length, method: 8);
        long second = zip.AddLocal("bad"u8, data, crc: Crc32.HashToUInt32(good) ^ 1, size: good.Length, method: 8);
        zip.AddCentral("good"u8, first, data.Length, crc: Crc32.HashToUInt32(good), size: good.Length, method: 8);
        zip.AddCentral("bad"u8, second, data.Length, crc: Crc32.HashToUInt32(good) ^ 1, size: good.Length, method: 8);

        using var context = new ReadContext(ReadLimits.Default);
        var result = new ZipReader().Read(new MemoryByteSource(zip.Finish()), context);
        var entries = result.FileSystem!.Entries.ToDictionary(e => e.Path);
        var back = new byte[good.Length];
        Assert.Equal(good.Length, entries["/good"].Content!.ReadFully(0, back));
        Assert.Equal(good, back);
        var e = Assert.Throws<CorruptDataException>(() => entries["/bad"].Content!.ReadFully(0, back));
        Assert.Contains("CRC-32", e.Message, StringComparison.Ordinal);
    }

    internal static byte[] RealZip(params (string Name, byte[] Data)[] members)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in members)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(data);
            }
        }

        return ms.ToArray();
    }

    /// <summary>Writes local headers, central directory entries and the end record by hand (APPNOTE 4.3).</summary>
    internal sealed class ZipBuilder
    {
        private readonly MemoryStream _body = new();
        private readonly MemoryStream _central = new();
        private int _entries;

        public byte[] Bytes => _body.ToArray();

        public long AddLocal(ReadOnlySpan<byte> name, byte[] data, uint crc, long size, ushort method)
        {
            long at = _body.Length;
            Span<byte> h = stackalloc byte[30];
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);
            BinaryPrimitives.WriteUInt16LittleEndian(h[8..], method);
            BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h[18..], (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(h[22..], (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)name.Length);
            _body.Write(h);
            _body.Write(name);
            _body.Write(data);
            return at;
        }

        public void AddCentral(ReadOnlySpan<byte> name, long local, long compressed, uint crc, long size, ushort method)
        {
            Span<byte> h = stackalloc byte[46];
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 0x031E);
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 20);
            BinaryPrimitives.WriteUInt16LittleEndian(h[10..], method);
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)compressed);
            BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(h[38..], 0x81A40000);
            BinaryPrimitives.WriteUInt32LittleEndian(h[42..], (uint)local);
            _central.Write(h);
            _central.Write(name);
            _entries++;
        }

        public byte[] Finish(int? declaredEntries = null)
        {
            long cdOffset = _body.Length;
            Span<byte> end = stackalloc byte[22];
            BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
            BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)(declaredEntries ?? _entries));
            BinaryPrimitives.WriteUInt16LittleEndian(end[10..], (ushort)(declaredEntries ?? _entries));
            BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)_central.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(end[16..], (uint)cdOffset);
            return [.. _body.ToArray(), .. _central.ToArray(), .. end];
        }
    }
}
