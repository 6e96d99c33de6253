using System.Collections.Concurrent;
using System.Text;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Analysis;

public sealed class AnalysisWalkTests
{
    [Fact]
    public void A_file_several_analysers_want_is_read_once()
    {
        var content = new CountingSource(new MemoryByteSource(Encoding.ASCII.GetBytes(new string('x', 100_000))));
        var layer = FsLayer(("/usr/bin/tool", content));
        var analyzers = Enumerable.Range(0, 3).Select(i => new RecordingAnalyzer($"a{i}", _ => true)).ToList();

        new AnalysisWalk(analyzers).Run([layer], CancellationToken.None);

        Assert.All(analyzers, a => Assert.Equal(["/usr/bin/tool"], a.Seen.Keys));
        Assert.All(analyzers, a => Assert.Equal(100_000, a.Seen["/usr/bin/tool"]));
        // The head (64 bytes) and the whole file once: not once per analyser.
        Assert.Equal(100_000 + AnalyzedFile.HeadLength, content.BytesRead);
    }

    [Fact]
    public void A_file_nobody_wants_costs_only_its_head()
    {
        var content = new CountingSource(new MemoryByteSource(new byte[1 << 20]));
        var analyzer = new RecordingAnalyzer("elf-only", t => t.Path.EndsWith(".so", StringComparison.Ordinal));

        new AnalysisWalk([analyzer]).Run([FsLayer(("/usr/share/data.bin", content))], CancellationToken.None);

        Assert.Empty(analyzer.Seen);
        Assert.Equal(AnalyzedFile.HeadLength, content.BytesRead);
    }

    [Fact]
    public void Analysers_choose_by_magic_from_the_head()
    {
        byte[] elf = [0x7F, (byte)'E', (byte)'L', (byte)'F', 1, 1, 1, 0];
        var layer = FsLayer(("/bin/a", new MemoryByteSource(elf)), ("/bin/b", new MemoryByteSource("#!/bin/sh\n"u8.ToArray())));
        var analyzer = new RecordingAnalyzer("elf", (_, head) => head.StartsWith("\u007fELF"u8));

        new AnalysisWalk([analyzer]).Run([layer], CancellationToken.None);

        Assert.Equal(["/bin/a"], analyzer.Seen.Keys);
    }

    [Fact]
    public void An_analyser_that_throws_becomes_a_warning_naming_the_file_and_the_others_still_run()
    {
        var layer = FsLayer(("/etc/bad", new MemoryByteSource("x"u8.ToArray())));
        var good = new RecordingAnalyzer("good", _ => true);
        var bad = new ThrowingAnalyzer();

        var results = new AnalysisWalk([bad, good]).Run([layer], CancellationToken.None);

        Assert.Equal(["/etc/bad"], good.Seen.Keys);
        string warning = Assert.Single(results.Warnings);
        Assert.Equal("img@0x0:squashfs:/etc/bad: thrower: InvalidDataException: crafted input at line 3", warning);
    }

    [Fact]
    public void Raw_leaf_layers_are_offered_but_padding_and_hard_link_twins_are_not()
    {
        var blob = new Layer { Format = "unknown", Offset = 0, Size = 4, Source = new MemoryByteSource("Linu"u8.ToArray()), Location = "img@0x0" };
        var padding = new Layer { Format = LayerFormats.Padding, Offset = 4, Size = 4, Source = new MemoryByteSource(new byte[4]), Location = "img@0x4" };
        var data = new MemoryByteSource("same"u8.ToArray());
        var fs = FsLayer(("/bin/one", data));
        fs.FileSystem = new FileSystemTree(
        [
            new FsEntry { Path = "/bin/one", Type = EntryType.File, Size = 4, Content = data },
            new FsEntry { Path = "/bin/two", Type = EntryType.File, Size = 4, Content = data, HardLinkTo = "/bin/one" },
            new FsEntry { Path = "/bin", Type = EntryType.Dir },
        ]);
        var analyzer = new RecordingAnalyzer("all", _ => true);

        new AnalysisWalk([analyzer]).Run([blob, padding, fs], CancellationToken.None);

        Assert.Equal(["", "/bin/one"], analyzer.Seen.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Thousands_of_files_are_each_analysed_exactly_once_in_parallel()
    {
        var files = Enumerable.Range(0, 5000).Select(i => ($"/lib/f{i:D5}.so", (IByteSource)new MemoryByteSource(Encoding.ASCII.GetBytes($"file {i}")))).ToArray();
        var analyzer = new RecordingAnalyzer("count", _ => true);

        new AnalysisWalk([analyzer]) { Workers = 4 }.Run([FsLayer(files)], CancellationToken.None);

        Assert.Equal(5000, analyzer.Seen.Count);
        Assert.Equal(5000, analyzer.Calls);
    }

    [Fact]
    public void A_200_MB_file_is_read_in_chunks_with_bounded_memory()
    {
        const long size = 200L << 20;
        // Sparse: one marker near the end, zeros elsewhere; nothing is held on disk or in memory.
        var marker = new MemoryByteSource("END-MARKER"u8.ToArray());
        var big = new SparseByteSource(marker, size, [(size - 100, 10)]);
        var analyzer = new ChunkScanner("END-MARKER"u8.ToArray());
        long before = GC.GetTotalAllocatedBytes(precise: true);

        var results = new AnalysisWalk([analyzer]).Run([FsLayer(("/opt/huge.bin", big))], CancellationToken.None);

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Empty(results.Warnings);
        Assert.Equal(size - 100, analyzer.FoundAt);
        Assert.Equal(size, analyzer.BytesSeen - analyzer.OverlapBytes);
        Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes for a {size}-byte file");
    }

    private static Layer FsLayer(params (string Path, IByteSource Content)[] files) => new()
    {
        Format = "squashfs",
        Offset = 0,
        Location = "img@0x0:squashfs",
        FileSystem = new FileSystemTree(files.Select(f => new FsEntry { Path = f.Path, Type = EntryType.File, Size = f.Content.Length, Content = f.Content })),
    };

    private sealed class CountingSource(IByteSource inner) : IByteSource
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public long Length => inner.Length;

        public int Read(long offset, Span<byte> buffer)
        {
            int n = inner.Read(offset, buffer);
            Interlocked.Add(ref _read, n);
            return n;
        }

        public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);
    }

    private delegate bool HeadFilter(AnalysisTarget target, ReadOnlySpan<byte> head);

    private sealed class RecordingAnalyzer : IFileAnalyzer
    {
        private readonly HeadFilter _wants;
        private int _calls;

        public RecordingAnalyzer(string name, Func<AnalysisTarget, bool> wants)
            : this(name, (t, _) => wants(t))
        {
        }

        public RecordingAnalyzer(string name, HeadFilter wants)
        {
            Name = name;
            _wants = wants;
        }

        public string Name { get; }

        public ConcurrentDictionary<string, int> Seen { get; } = new();

        public int Calls => _calls;

        public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) => _wants(target, head);

        public void Analyze(AnalyzedFile file, AnalysisSink sink)
        {
            Interlocked.Increment(ref _calls);
            Seen[file.Target.Path] = file.Bytes.Length;
        }
    }

    private sealed class ThrowingAnalyzer : IFileAnalyzer
    {
        public string Name => "thrower";

        public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) => true;

        public void Analyze(AnalyzedFile file, AnalysisSink sink) => throw new InvalidDataException("crafted input at line 3");
    }

    private sealed class ChunkScanner(byte[] needle) : IFileAnalyzer
    {
        public string Name => "chunks";

        public long FoundAt { get; private set; } = -1;

        public long BytesSeen { get; private set; }

        public long OverlapBytes { get; private set; }

        public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) => true;

        public void Analyze(AnalyzedFile file, AnalysisSink sink)
        {
            Assert.False(file.FitsInMemory);
            const int overlap = 64;
            bool first = true;
            file.ForEachChunk(16 << 20, overlap, (chunk, offset) =>
            {
                BytesSeen += chunk.Length;
                OverlapBytes += first ? 0 : overlap;
                first = false;
                int at = chunk.Span.IndexOf(needle);
                if (at >= 0)
                {
                    FoundAt = offset + at;
                }
            });
        }
    }
}
