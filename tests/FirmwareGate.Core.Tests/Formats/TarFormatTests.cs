using System.Globalization;
using System.Text;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats;

/// <summary>tar and cpio behaviour on valid input: sparse members, base-256 numbers, byte names, hard links.</summary>
public sealed class TarFormatTests
{
    private static readonly string SparseSha = File.ReadAllText(TestPaths.Fixture("sparse.bin.sha256")).Trim();

    internal static ReadResult ReadTar(byte[] bytes, ReadLimits? limits = null)
    {
        using var context = new ReadContext(limits ?? ReadLimits.Default);
        return new TarReader().Read(new MemoryByteSource(bytes), context);
    }

    internal static ReadResult ReadCpio(byte[] bytes, ReadLimits? limits = null)
    {
        using var context = new ReadContext(limits ?? ReadLimits.Default);
        return new CpioReader().Read(new MemoryByteSource(bytes), context);
    }

    [Theory]
    [InlineData("sparse-gnu.tar")]
    [InlineData("sparse-pax-0.0.tar")]
    [InlineData("sparse-pax-0.1.tar")]
    [InlineData("sparse-pax-1.0.tar")]
    public void Gnu_tar_sparse_members_expand_to_the_original_file(string fixture)
    {
        var read = ReadTar(File.ReadAllBytes(TestPaths.Fixture(fixture)));

        Assert.Empty(read.Warnings);
        var entry = Assert.Single(read.FileSystem!.Entries);
        Assert.Equal("/sparse.bin", entry.Path);
        Assert.Equal(EntryType.File, entry.Type);
        Assert.Equal(1L << 20, entry.Size);
        Assert.Equal(1700000000, entry.MTime);
        var sparse = Assert.IsType<SparseByteSource>(entry.Content);
        Assert.Equal(1L << 20, sparse.Length);
        Assert.Equal(SparseSha, TreeComparer.Sha256(sparse));

        // Six data regions (GNU tar rounds them to 4 KiB); the empty one that marks the end is dropped.
        Assert.Equal(6, sparse.DataRegions.Count());
        Assert.Equal(6 * 4096, sparse.DataBytes);

        // Reads that start in holes, straddle region edges or cover several regions agree with one read.
        var whole = new byte[sparse.Length];
        Assert.Equal(whole.Length, sparse.ReadFully(0, whole));
        foreach (int chunk in new[] { 1, 511, 4096, 65537 })
        {
            var pieces = new byte[sparse.Length];
            for (long off = 0; off < sparse.Length; off += chunk)
            {
                sparse.ReadFully(off, pieces.AsSpan((int)off, (int)Math.Min(chunk, sparse.Length - off)));
            }

            Assert.Equal(whole, pieces);
        }
    }

    [Fact]
    public void Sparse_source_refuses_maps_that_do_not_fit_its_data()
    {
        var packed = new MemoryByteSource(new byte[20]);
        Assert.Throws<ArgumentException>(() => new SparseByteSource(packed, 100, [(10, 10), (5, 10)]));
        Assert.Throws<ArgumentException>(() => new SparseByteSource(packed, 100, [(0, 10), (95, 10)]));
        Assert.Throws<ArgumentException>(() => new SparseByteSource(packed, 100, [(0, 10)]));
        Assert.Throws<ArgumentException>(() => new SparseByteSource(packed, 100, [(long.MaxValue, 20)]));

        var ok = new SparseByteSource(new MemoryByteSource("abcdef"u8.ToArray()), 12, [(2, 3), (5, 0), (9, 3)]);
        Assert.Equal("\0\0abc\0\0\0\0def"u8.ToArray(), ReadAll(ok));
        Assert.Equal("c\0\0\0\0d"u8.ToArray(), ReadAll(ok.Slice(4, 6)));
    }

    [Fact]
    public void Sparse_member_through_the_engine_is_named_by_its_real_name()
    {
        using var result = Scan.Run(TestPaths.Fixture("sparse-pax-1.0.tar"));
        var tar = result.Single("tar");
        Assert.Equal(["/sparse.bin"], tar.FileSystem!.Entries.Select(e => e.Path));
        Assert.DoesNotContain(result.Warnings, w => w.Contains("GNUSparseFile", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(12)]
    [InlineData(8)]
    public void Base256_numbers_of_any_width_parse(int width)
    {
        var field = new byte[width];
        field[0] = 0x80;
        field[^4] = 0x01; // 2^24
        field[^1] = 0x05;
        Assert.True(TarReader.TryParseNumber(field, out long value));
        Assert.Equal((1L << 24) + 5, value);

        // 0xFF lead byte: two's complement, -1 and -256.
        Array.Fill(field, (byte)0xFF);
        Assert.True(TarReader.TryParseNumber(field, out value));
        Assert.Equal(-1, value);
        field[^1] = 0x00;
        Assert.True(TarReader.TryParseNumber(field, out value));
        Assert.Equal(-256, value);
    }

    [Fact]
    public void Base256_values_past_a_long_do_not_parse()
    {
        // 2^63 in a 12-byte field.
        byte[] field = [0x80, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0];
        Assert.False(TarReader.TryParseNumber(field, out _));
        field[4] = 0x7F;
        Assert.True(TarReader.TryParseNumber(field, out long max));
        Assert.Equal(0x7F00_0000_0000_0000, max);

        // Below long.MinValue.
        byte[] negative = [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.False(TarReader.TryParseNumber(negative, out _));
    }

    [Fact]
    public void Gnu_base256_size_and_mtime_fields_are_read()
    {
        // GNU tar writes base-256 for sizes of 8 GiB and more and for times it cannot write in octal.
        var data = Encoding.ASCII.GetBytes("payload behind a base-256 size\n");
        var tar = new TarBytes()
            .Header("big.bin", '0', data.Length, h =>
            {
                TarBytes.Base256(h.AsSpan(124, 12), data.Length);
                TarBytes.Base256(h.AsSpan(136, 12), -86400);
                TarBytes.Base256(h.AsSpan(108, 8), 1L << 40);
            })
            .Data(data)
            .File("after.txt", "after\n"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Empty(read.Warnings);
        var big = read.FileSystem!.Entries.Single(e => e.Path == "/big.bin");
        Assert.Equal(data.Length, big.Size);
        Assert.Equal(-86400, big.MTime);
        Assert.Equal(1L << 40, big.Uid);
        Assert.Equal(data, ReadAll(big.Content!));
        Assert.Contains(read.FileSystem.Entries, e => e.Path == "/after.txt");
    }

    [Theory]
    [InlineData("names-binary-gnu.tar", "tar")]
    [InlineData("names-binary-pax.tar", "tar")]
    [InlineData("names-binary.cpio", "cpio")]
    public void Names_that_are_not_utf8_stay_distinct_and_exact(string fixture, string format)
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture(fixture));
        var read = format == "tar" ? ReadTar(bytes) : ReadCpio(bytes);

        var files = read.FileSystem!.Entries.Where(e => e.Type == EntryType.File).ToDictionary(e => Convert.ToHexString(EntryName.ToBytes(e.Path)));
        Assert.Equal(3, files.Count);
        Assert.Equal("ff\n"u8.ToArray(), ReadAll(files[Convert.ToHexString(new byte[] { (byte)'/', (byte)'a', 0xFF })].Content!));
        Assert.Equal("fe\n"u8.ToArray(), ReadAll(files[Convert.ToHexString(new byte[] { (byte)'/', (byte)'a', 0xFE })].Content!));
        Assert.Equal("utf8\n"u8.ToArray(), ReadAll(files[Convert.ToHexString("/café"u8)].Content!));
        Assert.Contains(files.Values, e => EntryName.Display(e.Path) == "/a\\xff");
    }

    [Fact]
    public void Warnings_show_undecodable_name_bytes_escaped()
    {
        byte[] name = [(byte)'a', 0xFF];
        var tar = new TarBytes().Header(name, 'Z', 0).Header([(byte)'b', 0xFE], '1', 0, link: "missing"u8.ToArray()).Finish();

        var read = ReadTar(tar);

        Assert.Contains(read.Warnings, w => w.Contains("'a\\xff' has unknown type 'Z'", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.Contains("hard link '/b\\xfe' points at 'missing'", StringComparison.Ordinal));
    }

    [Fact]
    public void Pax_path_with_hdrcharset_binary_keeps_its_bytes()
    {
        byte[] raw = [(byte)'d', (byte)'/', 0xC3, 0x28, (byte)'x', 0x80];
        var tar = new TarBytes()
            .Pax('x', ("hdrcharset", "BINARY"u8.ToArray()), ("path", raw), ("uid", "4242"u8.ToArray()), ("mtime", "1700000000.5"u8.ToArray()))
            .File("ignored-name", "x"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        var e = Assert.Single(read.FileSystem!.Entries);
        Assert.Equal([(byte)'/', .. raw], EntryName.ToBytes(e.Path));
        Assert.Equal(4242, e.Uid);
        Assert.Equal(1700000000, e.MTime);
    }

    [Fact]
    public void Hard_link_to_a_symlink_is_a_second_symlink()
    {
        var tar = new TarBytes()
            .Header("target.txt", '0', 3).Data("abc"u8.ToArray())
            .Header("sym", '2', 0, link: "target.txt"u8.ToArray())
            .Header("sym-hard", '1', 0, link: "sym"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Empty(read.Warnings);
        var link = read.FileSystem!.Entries.Single(e => e.Path == "/sym-hard");
        Assert.Equal(EntryType.Symlink, link.Type);
        Assert.Equal("target.txt", link.LinkTarget);
        Assert.Null(link.HardLinkTo);
    }

    [Fact]
    public void Hard_link_to_a_hard_link_joins_the_first_group()
    {
        var tar = new TarBytes()
            .Header("c-data", '0', 3).Data("abc"u8.ToArray())
            .Header("b-link", '1', 0, link: "c-data"u8.ToArray())
            .Header("a-link", '1', 0, link: "b-link"u8.ToArray())
            .Finish();

        var fs = ReadTar(tar).FileSystem!;

        var byPath = fs.Entries.ToDictionary(e => e.Path);
        Assert.Null(byPath["/a-link"].HardLinkTo);
        Assert.Equal("/a-link", byPath["/b-link"].HardLinkTo);
        Assert.Equal("/a-link", byPath["/c-data"].HardLinkTo);
        Assert.All(byPath.Values, e => Assert.Equal("abc"u8.ToArray(), ReadAll(e.Content!)));
    }

    [Fact]
    public void Name_stored_again_after_a_hard_link_is_a_new_file()
    {
        // GNU tar: "b" keeps the first "a" inode; the second "a" replaces only the name.
        var tar = new TarBytes()
            .File("a", "old"u8.ToArray())
            .Header("b", '1', 0, link: "a"u8.ToArray())
            .File("a", "new!"u8.ToArray())
            .Header("c", '1', 0, link: "a"u8.ToArray())
            .Finish();

        var byPath = ReadTar(tar).FileSystem!.Entries.ToDictionary(e => e.Path);

        Assert.Equal("new!"u8.ToArray(), ReadAll(byPath["/a"].Content!));
        Assert.Equal("old"u8.ToArray(), ReadAll(byPath["/b"].Content!));
        Assert.Equal("new!"u8.ToArray(), ReadAll(byPath["/c"].Content!));
        Assert.Null(byPath["/a"].HardLinkTo);
        Assert.Null(byPath["/b"].HardLinkTo);
        Assert.Equal("/a", byPath["/c"].HardLinkTo);
    }

    [Fact]
    public void Hard_links_to_directories_devices_or_later_names_are_reported_not_made()
    {
        var tar = new TarBytes()
            .Header("dir/", '5', 0)
            .Header("console", '3', 0)
            .Header("to-dir", '1', 0, link: "dir"u8.ToArray())
            .Header("to-dev", '1', 0, link: "console"u8.ToArray())
            .Header("to-later", '1', 0, link: "later.txt"u8.ToArray())
            .File("later.txt", "x"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        var paths = read.FileSystem!.Entries.Select(e => e.Path).ToList();
        Assert.Equal(["/console", "/dir", "/later.txt"], paths);
        Assert.Contains(read.Warnings, w => w.Contains("'/to-dir' points at 'dir', which is a dir", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.Contains("'/to-dev' points at 'console', which is a chardev", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.Contains("'/to-later' points at 'later.txt', which is not an earlier entry", StringComparison.Ordinal));
    }

    [Fact]
    public void Random_byte_names_round_trip_through_tar_and_cpio()
    {
        // Any byte but NUL; '/' and '\' separate, "." and ".." parts are what normalisation removes or refuses.
        // Separators and dots are frequent so that the corner cases come up.
        var random = new Random(20240514);
        byte[] Name()
        {
            var name = new byte[random.Next(1, 120)];
            for (int i = 0; i < name.Length; i++)
            {
                int pick = random.Next(10);
                name[i] = pick switch
                {
                    0 => (byte)'/',
                    1 => (byte)'.',
                    2 => (byte)'\\',
                    3 => (byte)random.Next(0x80, 0x100),
                    _ => (byte)random.Next(1, 0x100),
                };
            }

            return name;
        }

        for (int round = 0; round < 150; round++)
        {
            var names = Enumerable.Range(0, random.Next(1, 12)).Select(_ => Name()).ToList();
            if (round % 5 == 0)
            {
                // Names differing only in invalid UTF-8 bytes, which a lossy decoder would merge.
                names.Add([(byte)'x', 0xFF]);
                names.Add([(byte)'x', 0xFE]);
            }

            foreach (int style in new[] { 0, 1, 2, 3 })
            {
                var read = style == 3 ? ReadCpio(CpioBytes.Archive(names)) : ReadTar(TarBytes.Archive(names, style));
                var expected = names.Select(ExpectedPath).Where(p => p is not null).Select(p => Convert.ToHexString(p!)).ToHashSet();
                var actual = read.FileSystem!.Entries.Where(e => e.Type == EntryType.File).Select(e => Convert.ToHexString(EntryName.ToBytes(e.Path))).ToHashSet();

                // Parent folders of nested names are not entries; only the named files are compared.
                Assert.Equal(expected, actual);
                Assert.Equal(read.FileSystem.Entries.Count, read.FileSystem.Entries.Select(e => e.Path).Distinct(StringComparer.Ordinal).Count());
            }
        }
    }

    // The reference normalisation over bytes: split on '/' (a backslash is a name byte in tar and cpio), drop empty and "." parts, refuse "..".
    private static byte[]? ExpectedPath(byte[] raw)
    {
        var parts = new List<byte[]>();
        int start = 0;
        for (int i = 0; i <= raw.Length; i++)
        {
            if (i == raw.Length || raw[i] == (byte)'/')
            {
                var part = raw[start..i];
                start = i + 1;
                if (part.Length == 0 || part is [(byte)'.'])
                {
                    continue;
                }

                if (part is [(byte)'.', (byte)'.'])
                {
                    return null;
                }

                parts.Add(part);
            }
        }

        if (parts.Count == 0)
        {
            return null;
        }

        var result = new List<byte>();
        foreach (var p in parts)
        {
            result.Add((byte)'/');
            result.AddRange(p);
        }

        return [.. result];
    }

    internal static byte[] ReadAll(IByteSource source)
    {
        var buffer = new byte[source.Length];
        Assert.Equal(buffer.Length, source.ReadFully(0, buffer));
        return buffer;
    }
}

/// <summary>Builds tar archives block by block, with any field patched before the checksum is set.</summary>
internal sealed class TarBytes
{
    private readonly MemoryStream _out = new();

    public TarBytes Header(string name, char type, long size, Action<byte[]>? patch = null, byte[]? link = null) =>
        Header(Encoding.UTF8.GetBytes(name), type, size, patch, link);

    public TarBytes Header(byte[] name, char type, long size, Action<byte[]>? patch = null, byte[]? link = null)
    {
        var h = new byte[512];
        name.AsSpan(0, Math.Min(100, name.Length)).CopyTo(h);
        Octal(h.AsSpan(100, 8), type == '5' ? 493 : 420); // 0755, 0644
        Octal(h.AsSpan(108, 8), 0);
        Octal(h.AsSpan(116, 8), 0);
        Octal(h.AsSpan(124, 12), size);
        Octal(h.AsSpan(136, 12), 1700000000);
        h[156] = (byte)type;
        link?.AsSpan(0, Math.Min(100, link.Length)).CopyTo(h.AsSpan(157));
        "ustar  \0"u8.CopyTo(h.AsSpan(257));
        patch?.Invoke(h);
        Seal(h);
        _out.Write(h);
        return this;
    }

    public TarBytes Block(byte[] block)
    {
        _out.Write(block);
        return this;
    }

    public TarBytes Data(byte[] data)
    {
        _out.Write(data);
        _out.Write(new byte[(512 - (data.Length % 512)) % 512]);
        return this;
    }

    public TarBytes File(string name, byte[] data) => Header(name, '0', data.Length).Data(data);

    public TarBytes File(byte[] name, byte[] data) => Header(name, '0', data.Length).Data(data);

    public TarBytes LongName(byte[] name) => Header("././@LongLink", 'L', name.Length + 1).Data([.. name, 0]);

    public TarBytes Pax(char type, params (string Key, byte[] Value)[] records)
    {
        var body = new MemoryStream();
        foreach (var (key, value) in records)
        {
            body.Write(PaxRecord(key, value));
        }

        return Header("./PaxHeaders/x", type, body.Length).Data(body.ToArray());
    }

    public static byte[] PaxRecord(string key, byte[] value)
    {
        // LEN counts itself: find the length whose digits make the record that long.
        int rest = key.Length + value.Length + 3; // ' ', '=', '\n'
        int len = rest + 1;
        while (len != rest + len.ToString(CultureInfo.InvariantCulture).Length)
        {
            len = rest + len.ToString(CultureInfo.InvariantCulture).Length;
        }

        return [.. Encoding.ASCII.GetBytes($"{len} {key}="), .. value, (byte)'\n'];
    }

    public byte[] Finish()
    {
        _out.Write(new byte[1024]);
        return _out.ToArray();
    }

    /// <summary>One file per name, each stored as style 0 (ustar name when it fits), 1 (GNU long name) or 2 (pax path).</summary>
    public static byte[] Archive(IReadOnlyList<byte[]> names, int style)
    {
        var tar = new TarBytes();
        for (int i = 0; i < names.Count; i++)
        {
            var data = Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture));
            if (style == 0 && names[i].Length < 100)
            {
                tar.File(names[i], data);
            }
            else if (style == 2)
            {
                tar.Pax('x', ("hdrcharset", "BINARY"u8.ToArray()), ("path", names[i])).File("placeholder", data);
            }
            else
            {
                tar.LongName(names[i]).File(names[i][..Math.Min(99, names[i].Length)], data);
            }
        }

        return tar.Finish();
    }

    public static void Octal(Span<byte> field, long value)
    {
        var text = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(text).CopyTo(field);
        field[^1] = 0;
    }

    public static void Base256(Span<byte> field, long value)
    {
        for (int i = field.Length - 1; i >= 0; i--)
        {
            field[i] = (byte)value;
            value >>= 8; // Arithmetic shift: negative values fill with 0xFF.
        }

        field[0] = value < 0 || (field[0] & 0x80) != 0 ? (byte)0xFF : (byte)0x80;
    }

    public static void Seal(byte[] h)
    {
        h.AsSpan(148, 8).Fill((byte)' ');
        int sum = h.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0')).CopyTo(h, 148);
        h[154] = 0;
    }
}

/// <summary>Builds cpio newc archives with any header field given as text.</summary>
internal static class CpioBytes
{
    public static byte[] Newc(byte[] name, byte[] data, int mode = 0x81A4, int ino = 1, string? nameSize = null, string? fileSize = null, int nlink = 1)
    {
        var fields = new[]
        {
            Hex(ino), Hex(mode), Hex(0), Hex(0), Hex(nlink), Hex(1700000000), fileSize ?? Hex(data.Length),
            Hex(0), Hex(0), Hex(0), Hex(0), nameSize ?? Hex(name.Length + 1), Hex(0),
        };
        var record = new List<byte>(Encoding.ASCII.GetBytes("070701" + string.Concat(fields)));
        record.AddRange(name);
        record.Add(0);
        Pad(record);
        record.AddRange(data);
        Pad(record);
        return [.. record];
    }

    public static byte[] Trailer() => Newc("TRAILER!!!"u8.ToArray(), [], mode: 0, ino: 0);

    public static byte[] Archive(IReadOnlyList<byte[]> names) =>
        [.. names.SelectMany((n, i) => Newc(n, Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)), ino: i + 1)), .. Trailer()];

    private static string Hex(long v) => v.ToString("X8", CultureInfo.InvariantCulture);

    private static void Pad(List<byte> record)
    {
        while (record.Count % 4 != 0)
        {
            record.Add(0);
        }
    }
}
