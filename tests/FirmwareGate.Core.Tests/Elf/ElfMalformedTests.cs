using System.Buffers.Binary;
using System.Diagnostics;
using FirmwareGate.Core.Elf;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Tests.Elf;

/// <summary>Truncated, mutated and crafted ELF files: only <see cref="ElfFormatException"/> or a result with problems, in bounded time and memory.</summary>
public sealed class ElfMalformedTests
{
    public static TheoryData<string> Fixtures() => [.. ElfFileTests.FixtureNames()];

    private static ElfFile? TryParse(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var a = ElfFile.Parse(bytes, ElfReadOptions.WithSymbols);
            var b = ElfFile.Read(new MemoryByteSource(bytes), ElfReadOptions.WithSymbols);
            Assert.Equal(a.Sections, b.Sections);
            Assert.Equal(a.Dynamic?.Needed, b.Dynamic?.Needed);
            Assert.Equal(a.DynamicSymbols, b.DynamicSymbols);
            Assert.True(a.Problems.Count <= ElfFile.MaxProblems);
            return a;
        }
        catch (ElfFormatException)
        {
            return null;
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TruncatedAtEveryLengthOnlyTypedErrors(string name)
    {
        byte[] bytes = ElfFileTests.Bytes(name);
        var watch = Stopwatch.StartNew();
        int parsed = 0;
        for (int length = 0; length < bytes.Length; length += length < 512 ? 1 : 37)
        {
            var elf = TryParse(bytes.AsMemory(0, length));
            if (elf is not null)
            {
                parsed++;
                Assert.NotEmpty(elf.Problems.Concat(elf.ProgramHeaders.Count == 0 ? [new ElfProblem(0, "")] : []));
            }

            Assert.Equal(length < (bytes[4] == 2 ? 64 : 52), elf is null);
        }

        Assert.True(parsed > 0);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{watch.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FlippedBytesOnlyTypedErrors(string name)
    {
        byte[] original = ElfFileTests.Bytes(name);
        var random = new Random(20240615 + name.Length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 400; round++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = random.Next(1, 9);
            for (int i = 0; i < flips; i++)
            {
                // Half the flips land in the headers and tables at the front, where they matter most.
                int at = random.Next(2) == 0 ? random.Next(Math.Min(bytes.Length, 1024)) : random.Next(bytes.Length);
                bytes[at] = (byte)random.Next(256);
            }

            TryParse(bytes);
        }

        // 400 rounds over a file of a few KB: far below what one unbounded table would allocate.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 400L * 64 * original.Length + (64 << 20));
    }

    [Fact]
    public void HugeHeaderCountsAreCutAndReported()
    {
        byte[] bytes = ElfFileTests.Bytes("aarch64-pie"); // ELF64 little endian: e_phnum at 56, e_shnum at 60
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(56), 0xfffe);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(60), 0xfffe);
        var elf = ElfFile.Parse(bytes);

        Assert.Contains(elf.Problems, p => p.Message.Contains("program headers is over the limit", StringComparison.Ordinal));
        Assert.Contains(elf.Problems, p => p.Message.Contains("section header table (32768 entries", StringComparison.Ordinal));
    }

    [Fact]
    public void SectionTablePastTheEndLeavesTheDynamicSection()
    {
        byte[] bytes = ElfFileTests.Bytes("aarch64-pie");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), 0x7fff_ffff_0000); // e_shoff
        var elf = ElfFile.Parse(bytes);

        Assert.Empty(elf.Sections);
        Assert.Contains(elf.Problems, p => p.Offset == 0x7fff_ffff_0000 && p.Message.StartsWith("section header table", StringComparison.Ordinal));
        Assert.Equal(["libc.so.6"], elf.Dynamic!.Needed);
    }

    [Fact]
    public void StringOffsetOutOfRangeIsReportedAndSkipped()
    {
        byte[] bytes = ElfFileTests.Bytes("armhf-nopie"); // ELF32 LE; the first dynamic entry is DT_NEEDED libc.so.6
        var elf = ElfFile.Parse(bytes);
        var dynamic = elf.Segment(ElfSegmentType.Dynamic)!.Value;
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)dynamic.Offset)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)dynamic.Offset + 4), 0x00ff_ffff);

        var broken = ElfFile.Parse(bytes);
        Assert.Empty(broken.Dynamic!.Needed);
        Assert.Contains(broken.Problems, p => p.Message.StartsWith("DT_NEEDED offset 16777215 is outside its string table", StringComparison.Ordinal));
    }

    [Fact]
    public void DynamicSectionWithoutTerminatorIsCutAtItsEnd()
    {
        byte[] bytes = ElfFileTests.Bytes("armhf-nopie");
        var dynamic = ElfFile.Parse(bytes).Segment(ElfSegmentType.Dynamic)!.Value;
        for (int at = (int)dynamic.Offset; at < (int)(dynamic.Offset + dynamic.FileSize); at += 8)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) == 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), 21); // DT_DEBUG
            }
        }

        var elf = ElfFile.Parse(bytes);
        Assert.Equal((int)(dynamic.FileSize / 8), elf.Dynamic!.Entries.Count);
        Assert.Contains(elf.Problems, p => p.Message.StartsWith("dynamic section has no DT_NULL terminator", StringComparison.Ordinal));
        Assert.Equal(["libc.so.6"], elf.Dynamic.Needed);
    }

    [Fact]
    public void EndlessGnuHashChainIsBounded()
    {
        // Without section headers the symbol count comes from DT_GNU_HASH; a chain with no end bit must stop.
        byte[] bytes = ElfFileTests.Bytes("aarch64-noshdr");
        var elf = ElfFile.Parse(bytes, ElfReadOptions.WithSymbols);
        ulong gnuHash = elf.Dynamic!.Find(ElfDynamicTag.GnuHash)!.Value;
        var load = elf.ProgramHeaders.First(p => p.Type == ElfSegmentType.Load && gnuHash >= p.VirtualAddress && gnuHash < p.VirtualAddress + p.FileSize);
        int at = (int)(gnuHash - load.VirtualAddress + load.Offset);
        // One bucket pointing at symbol 1 (symoffset 1), and every chain word even (no end bit) up to the segment's end.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 16 + 8), 1);
        for (int i = at + 16 + 8 + 4; i + 4 <= (int)(load.Offset + load.FileSize); i += 4)
        {
            bytes[i] &= 0xfe;
        }

        var broken = ElfFile.Parse(bytes, ElfReadOptions.WithSymbols);
        Assert.Contains(broken.Problems, p => p.Message.StartsWith("DT_GNU_HASH chain runs past its segment", StringComparison.Ordinal));
        Assert.True(broken.DynamicSymbols.Count > 12);
    }

    [Fact]
    public void HugeClaimedSourceReadsOnlyWhatItNeeds()
    {
        // A byte source that claims 1 TiB: the fixture's bytes, then zeros. Tables that claim to be huge are read
        // entry by entry or cut by the caps, never allocated whole.
        byte[] head = ElfFileTests.Bytes("aarch64-pie");
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(60), 0xffff); // e_shnum
        BinaryPrimitives.WriteUInt64LittleEndian(head.AsSpan(40), (1UL << 40) - (0xffffUL * 64)); // e_shoff near the end
        long before = GC.GetAllocatedBytesForCurrentThread();
        var elf = ElfFile.Read(new HugeSource(head, 1L << 40), ElfReadOptions.WithSymbols);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20);
        Assert.Contains(elf.Problems, p => p.Message.Contains("over the limit of 32768", StringComparison.Ordinal));
        Assert.Equal(["libc.so.6"], elf.Dynamic!.Needed);
    }

    [Theory]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L' }, 0L, "not an ELF file")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 3, 1 }, 0L, "truncated: e_ident")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 4L, "unknown class 3")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 5L, "unknown byte order 9")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0 }, 0L, "truncated: the ELF64 header")]
    public void BrokenHeadersThrowWithTheirOffset(byte[] bytes, long offset, string message)
    {
        var e = Assert.Throws<ElfFormatException>(() => ElfFile.Parse(bytes));
        Assert.Equal(offset, e.Offset);
        Assert.StartsWith(message, e.Detail, StringComparison.Ordinal);
    }

    private sealed class HugeSource(byte[] head, long length) : IByteSource
    {
        public long Length => length;

        public int Read(long offset, Span<byte> buffer)
        {
            if (offset >= length)
            {
                return 0;
            }

            int n = (int)Math.Min(buffer.Length, length - offset);
            buffer[..n].Clear();
            if (offset < head.Length)
            {
                head.AsSpan((int)offset, (int)Math.Min(n, head.Length - offset)).CopyTo(buffer);
            }

            return n;
        }

        public IByteSource Slice(long offset, long length) => throw new NotSupportedException();
    }
}
