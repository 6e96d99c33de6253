using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.Signatures;
using FirmwareGate.Core.Sources;
using static FirmwareGate.Core.Tests.Inventory.Signatures.SignatureTestFiles;

namespace FirmwareGate.Core.Tests.Inventory.Signatures;

public class BinarySignatureAnalyzerTests
{
    public static TheoryData<string> Fixtures() => [.. SignatureFixture.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Real_strings_of_a_product_give_that_product_and_its_upstream_version_and_nothing_else(string name)
    {
        var fixture = SignatureFixture.Get(name);
        byte[] bytes = fixture.Bytes();

        var (observations, warnings, wanted) = Run(Analyzer, fixture.File, bytes);

        Assert.True(wanted);
        Assert.Empty(warnings);
        Assert.Equal(
            [fixture.Product, .. fixture.Also],
            observations.Select(o => o.Product!.Id).Order(StringComparer.Ordinal).OrderBy(id => id != fixture.Product));
        var found = Assert.Single(observations, o => o.Product!.Id == fixture.Product);
        Assert.Equal(fixture.Upstream, found.Version);
        Assert.Equal(EvidenceMethod.BinarySignature, found.Method);
        Assert.Equal(found.Product!.Name, found.Name);
        Assert.Equal("image.bin@0x0:squashfs:" + fixture.File, found.Location);
        Assert.Equal(fixture.File, found.Path);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), found.FileSha256);
        Assert.Contains(fixture.Upstream, found.Detail, StringComparison.Ordinal);
        Assert.InRange(found.Detail!.Length, 1, BinarySignatureAnalyzer.MaxDetailLength);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Strings_under_an_unrelated_file_name_give_only_product_specific_sightings(string name)
    {
        // Bare version strings count only in files named like the product: under another name, a fixture
        // either still names its product (a product-specific string) or nothing at all.
        var fixture = SignatureFixture.Get(name);
        var (observations, _, _) = Run(Analyzer, "/usr/lib/libunrelated.so.1", fixture.Bytes());

        Assert.All(observations, o =>
        {
            Assert.Contains(o.Product!.Id, (string[])[fixture.Product, .. fixture.Also]);
            Assert.Equal(BinarySignatureAnalyzer.SpecificConfidence, o.Confidence);
        });
        Assert.All(observations.Where(o => o.Product!.Id == fixture.Product), o => Assert.Equal(fixture.Upstream, o.Version));
    }

    [Fact]
    public void Specific_and_bare_patterns_have_their_confidences()
    {
        var busybox = Assert.Single(Run(Analyzer, "/bin/busybox", SignatureFixture.Get("busybox").Bytes()).Observations);
        var sqlite = Assert.Single(Run(Analyzer, "/usr/lib/libsqlite3.so.0.8.6", SignatureFixture.Get("sqlite").Bytes()).Observations);

        Assert.Equal(BinarySignatureAnalyzer.SpecificConfidence, busybox.Confidence);
        Assert.Equal(BinarySignatureAnalyzer.HintedConfidence, sqlite.Confidence);
        Assert.Equal("3.40.1", sqlite.Version);
    }

    [Fact]
    public void A_version_text_of_a_library_the_binary_links_is_not_taken_but_a_static_copy_is()
    {
        // Real nginx strings: "built with OpenSSL 3.0.x" next to DT_NEEDED "libssl.so.3".
        var nginx = SignatureFixture.Get("nginx");
        Assert.Contains(nginx.Strings, s => s.StartsWith("OpenSSL 3.", StringComparison.Ordinal));
        Assert.Contains("libssl.so.3", nginx.Strings);

        var linked = Run(Analyzer, nginx.File, nginx.Bytes()).Observations;
        var statically = Run(Analyzer, nginx.File, SignatureTestFiles.Elf(nginx.Strings.Where(s => !s.StartsWith("libssl.so", StringComparison.Ordinal) && !s.StartsWith("libcrypto.so", StringComparison.Ordinal)))).Observations;

        Assert.Equal(["nginx"], linked.Select(o => o.Product!.Id));
        Assert.Equal(["nginx", "openssl"], statically.Select(o => o.Product!.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Two_distinct_bare_versions_in_one_file_give_no_version()
    {
        var fixture = SignatureFixture.Get("sqlite");
        byte[] bytes = SignatureTestFiles.Elf([.. fixture.Strings, "3.39.4"]);

        var (observations, _, _) = Run(Analyzer, fixture.File, bytes);

        Assert.Empty(observations);
    }

    [Fact]
    public void A_static_binary_holding_two_products_gives_both()
    {
        // Linked statically, zlib's code and strings are in the binary but not its SONAME (libz.so.1).
        byte[] bytes = SignatureTestFiles.Elf([.. SignatureFixture.Get("busybox").Strings, .. SignatureFixture.Get("zlib").Strings.Where(s => !s.StartsWith("lib", StringComparison.Ordinal))]);

        var (observations, _, _) = Run(Analyzer, "/bin/busybox", bytes);

        Assert.Equal(
            ["busybox 1.35.0", "zlib 1.2.13"],
            observations.Select(o => $"{o.Product!.Id} {o.Version}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void One_sighting_per_product_and_version_and_two_versions_give_two()
    {
        byte[] bytes = SignatureTestFiles.Elf(["OpenSSL 3.0.20 7 Apr 2026", "x", "OpenSSL 3.0.20 7 Apr 2026", "OpenSSL 1.1.1w  11 Sep 2023"]);

        var (observations, _, _) = Run(Analyzer, "/usr/bin/app", bytes);

        Assert.Equal(["1.1.1w", "3.0.20"], observations.Select(o => o.Version!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_anchor_across_the_block_edge_is_found()
    {
        // The anchor search works in 64 KiB blocks: put the string across every edge position near one.
        for (int shift = -20; shift <= 5; shift += 5)
        {
            var bytes = new byte[200_000];
            bytes[0] = 0x7F;
            "ELF"u8.CopyTo(bytes.AsSpan(1));
            byte[] text = "BusyBox v1.36.1 (2023-06-01)"u8.ToArray();
            text.CopyTo(bytes, 64 + 65536 + shift);

            var (observations, _, _) = Run(Analyzer, "/bin/sh", bytes);

            Assert.Equal("1.36.1", Assert.Single(observations).Version);
        }
    }

    [Fact]
    public void A_file_named_like_a_product_is_read_even_when_not_elf()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("#!/bin/sh\0\u0001\u0002dnsmasq-2.89\0");

        var (observations, _, wanted) = Run(Analyzer, "/usr/sbin/dnsmasq", bytes);

        Assert.True(wanted);
        Assert.Equal("2.89", Assert.Single(observations).Version);
        Assert.False(Run(Analyzer, "/etc/dnsmasq.conf", bytes).Wanted);
    }

    [Fact]
    public void Random_binary_garbage_gives_nothing_quickly()
    {
        var bytes = new byte[32 << 20];
        new Random(15).NextBytes(bytes);
        "\u007FELF"u8.CopyTo(bytes);

        var watch = Stopwatch.StartNew();
        var (observations, warnings, _) = Run(Analyzer, "/usr/lib/libjunk.so", bytes);

        Assert.Empty(observations);
        Assert.Empty(warnings);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 10);
    }

    [Fact]
    public void Long_runs_of_printable_junk_give_nothing_quickly()
    {
        // Printable letters, digits and dots, with anchors' letters: one endless "string" that looks like versions.
        var random = new Random(16);
        const string alphabet = "0123456789.. abcdefghijklmnopqrstuvwxyzBOSLv_-/";
        var bytes = new byte[16 << 20];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)alphabet[random.Next(alphabet.Length)];
        }

        "\u007FELF"u8.CopyTo(bytes);
        var watch = Stopwatch.StartNew();
        var (observations, _, _) = Run(Analyzer, "/usr/lib/libsqlite3.so.0", bytes);

        Assert.Empty(observations);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 10);
    }

    [Fact]
    public void A_file_dense_with_anchors_stops_with_a_warning()
    {
        var text = new StringBuilder("\u007FELF");
        while (text.Length < 8 << 20)
        {
            text.Append("OpenSSL OpenSSH_ BusyBox v");
        }

        var watch = Stopwatch.StartNew();
        var (observations, warnings, _) = Run(Analyzer, "/usr/bin/dense", Encoding.Latin1.GetBytes(text.ToString()));

        Assert.Empty(observations);
        Assert.Contains(warnings, w => w.Contains("binary-signature: stopped after", StringComparison.Ordinal));
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 20);
    }

    [Fact]
    public void A_200_MB_file_is_read_in_chunks_with_bounded_memory()
    {
        const long size = 200L << 20;

        // Signatures at the start, across the first 16 MiB chunk edge, and near the end.
        var source = new GeneratedSource(size, new Dictionary<long, string>
        {
            [64] = "BusyBox v1.36.1 (2023-06-01)",
            [(16L << 20) - 12] = "OpenSSL 3.0.20 7 Apr 2026",
            [size - 4000] = "SSH-2.0-dropbear_2022.83",
        });

        long before = GC.GetAllocatedBytesForCurrentThread();
        var (observations, warnings, _) = Run(Analyzer, "/usr/bin/huge", source, maxInMemoryBytes: 64L << 20);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(warnings);
        Assert.Equal(
            ["busybox 1.36.1", "dropbear 2022.83", "openssl 3.0.20"],
            observations.Select(o => $"{o.Product!.Id} {o.Version}").Order(StringComparer.Ordinal));
        Assert.InRange(allocated, 0, 48L << 20);

        // The hash covers every byte once, overlaps excluded.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long offset = 0; offset < size; offset += buffer.Length)
        {
            int n = source.Read(offset, buffer);
            hash.AppendData(buffer, 0, n);
        }

        Assert.Equal(Convert.ToHexStringLower(hash.GetHashAndReset()), observations[0].FileSha256);
    }

    [Fact]
    public void Raw_layers_and_empty_files_are_not_wanted()
    {
        byte[] elf = SignatureFixture.Get("busybox").Bytes();
        var raw = new AnalysisTargetProbe(elf);

        Assert.False(Analyzer.Wants(raw.Target, elf.AsSpan(0, 64)));
        Assert.False(Run(Analyzer, "/bin/busybox", []).Wanted);
        Assert.False(Run(Analyzer, "/usr/share/doc/readme", Encoding.ASCII.GetBytes("BusyBox v1.35.0")).Wanted);
    }

    /// <summary>A raw layer (no filesystem entry) holding ELF bytes.</summary>
    private sealed class AnalysisTargetProbe(byte[] bytes)
    {
        public Core.Analysis.AnalysisTarget Target { get; } =
            new(new Core.Unpacking.Layer { Format = "kernel", Location = "image.bin@0x40:kernel" }, null, new MemoryByteSource(bytes));
    }

    /// <summary>Deterministic pseudo-random bytes with a few strings planted; nothing is held in memory.</summary>
    private sealed class GeneratedSource(long length, IReadOnlyDictionary<long, string> planted) : IByteSource
    {
        public long Length => length;

        public int Read(long offset, Span<byte> buffer)
        {
            if (offset >= length)
            {
                return 0;
            }

            int n = (int)Math.Min(buffer.Length, length - offset);
            for (int i = 0; i < n; i++)
            {
                // A cheap hash of the position; bytes 0..0x1F dominate so printable runs stay short.
                ulong x = (ulong)(offset + i) * 0x9E3779B97F4A7C15UL;
                buffer[i] = (byte)((x >> 59) | ((x >> 40) & 0x80));
            }

            foreach (var (at, text) in planted)
            {
                for (int k = 0; k < text.Length; k++)
                {
                    long p = at + k - offset;
                    if (p >= 0 && p < n)
                    {
                        buffer[(int)p] = (byte)text[k];
                    }
                }

                // NUL on both sides, as a C string.
                if (at - 1 - offset is var before and >= 0 && before < n)
                {
                    buffer[(int)before] = 0;
                }

                if (at + text.Length - offset is var after and >= 0 && after < n)
                {
                    buffer[(int)after] = 0;
                }
            }

            if (offset == 0 && n >= 4)
            {
                "\u007FELF"u8.CopyTo(buffer);
            }

            return n;
        }

        public IByteSource Slice(long offset, long count) => SliceByteSource.Create(this, offset, count);
    }
}
