using System.Diagnostics;
using System.Text;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Inventory;

/// <summary>The whole pipeline over an archive built to hurt the inventory: it finishes, bounded, and names what it could not read.</summary>
public sealed class HostileInventoryTests
{
    [Fact]
    public void Malformed_databases_garbage_strings_and_thousands_of_broken_elfs_finish_with_warnings_naming_the_files()
    {
        var random = new Random(1234);
        var tar = new TarWriter()
            .Directory("var/lib/dpkg/")
            // A status file whose stanzas are broken: a 2 MB line, binary bytes, a truncated stanza, no Version.
            .File("var/lib/dpkg/status", Concat(
                "Package: libfoo1\nStatus: install ok installed\nVersion: 1.2.3-1\n\n"u8.ToArray(),
                "Package: "u8.ToArray(), Enumerable.Repeat((byte)'A', 2 << 20).ToArray(), "\n"u8.ToArray(),
                RandomBytes(random, 4096),
                "\n\nPackage: noversion\nStatus: install ok installed\n\nPackage: trunc"u8.ToArray()))
            .File("usr/lib/opkg/status", RandomBytes(random, 65536))
            .File("etc/os-release", RandomBytes(random, 1024))
            // Printable junk full of near-miss anchors.
            .File("usr/share/junk.txt", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("BusyBox vX.Y OpenSSL 9 Linux version U-Boot ", 50_000))))
            // A real-looking busybox: its version string among other strings.
            .File("bin/busybox", Concat(ElfHeader(), "\0BusyBox v1.36.1 (2023-01-05 10:00:00 UTC)\0multi-call binary\0"u8.ToArray()), 0x1ED);
        for (int i = 0; i < 3000; i++)
        {
            // ELF magic, then garbage: headers that point past the end of the file.
            tar.File($"usr/lib/broken{i:D4}.so", Concat(ElfHeader(), RandomBytes(random, 200)), 0x1ED);
        }

        using var dir = new TempDir();
        string image = Path.Combine(dir.Path, "hostile.tar");
        File.WriteAllBytes(image, tar.ToArray());
        var clock = Stopwatch.StartNew();
        long before = GC.GetTotalAllocatedBytes(precise: true);

        using var result = Scan.Run(image);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 1L << 30);
        var busybox = Assert.Single(result.Inventory.Components, c => c.Name == "busybox");
        Assert.Equal("1.36.1", busybox.Version);
        Assert.Contains(result.Inventory.Components, c => c.Name == "libfoo1" && c.Version == "1.2.3");
        Assert.DoesNotContain(result.Inventory.Components, c => c.Name is "noversion" or "trunc" && c.Version is not null);
        Assert.Contains(result.Warnings, w => w.Contains(":/var/lib/dpkg/status:", StringComparison.Ordinal));
        Assert.Contains(result.AnalysisNotes, w => w.Contains(":/usr/lib/broken0000.so: elf:", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Warnings, w => w.Contains("Exception", StringComparison.Ordinal) && w.Contains("   at ", StringComparison.Ordinal));
    }

    private static byte[] ElfHeader()
    {
        // ELF64 little-endian, ET_DYN, x86-64, with program and section header tables claimed far past the end.
        var h = new byte[64];
        "\u007fELF"u8.CopyTo(h);
        h[4] = 2;
        h[5] = 1;
        h[6] = 1;
        h[16] = 3;
        h[18] = 62;
        h[20] = 1;
        BitConverter.TryWriteBytes(h.AsSpan(32), 0x7FFF_FFF0L);
        BitConverter.TryWriteBytes(h.AsSpan(40), 0x7FFF_FFF0L);
        h[52] = 64;
        h[54] = 56;
        h[56] = 0xFF;
        h[57] = 0xFF;
        h[58] = 64;
        h[60] = 0xFF;
        h[61] = 0xFF;
        return h;
    }

    private static byte[] RandomBytes(Random random, int n)
    {
        var b = new byte[n];
        random.NextBytes(b);
        return b;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
