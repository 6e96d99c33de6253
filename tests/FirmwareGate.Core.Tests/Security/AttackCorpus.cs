using System.Text;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// Every crafted attack input the security tests build, by name, so one test can run them all
/// through the whole pipeline and bench/attack-bench.sh can measure each as a separate process.
/// </summary>
internal static class AttackCorpus
{
    public static IReadOnlyList<(string Name, Func<byte[]> Build)> All { get; } =
    [
        ("tar-symlink-chain", SymlinkChainTar),
        ("tar-member-folder-collision", MemberCollisionTar),
        ("tar-symlink-over-folder", SymlinkOverFolderTar),
        ("cpio-80k-links-into-a-long-chain", () => AdversarialExtractionTests.LinkChainCpio(80_000)),
        ("tar-long-member-names", LongNamesTar),
        ("tar-zero-files", () => Repeat(8, i => ($"zeros{i}.bin", new byte[1 << 20]))),
        ("squashfs-sparse-8gib", SparseSquashFs),
        ("squashfs-shared-listings", SharedListingsSquashFs),
        ("squashfs-huge-fragment-count", HugeFragmentCountSquashFs),
        ("fit-self-covering", () => LayerBombTests.SelfCoveringFit(5)),
        ("zip-shared-local-header", SharedLocalHeaderZip),
        ("zip-100-members", () => ZipAttackTests.RealZip([.. Enumerable.Range(0, 100).Select(i => ($"m{i:d3}", MemoryBudgetTests.Member(i, 4 << 20)))])),
        ("zip-repeated-local-headers", RepeatedLocalHeaders),
        ("7z-16m-files-in-41-bytes", () => ZipAttackTests.SevenZip([0x01, 0x05, 0xE1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])),
        ("7z-solid-5000-files", SolidSevenZip),
        ("bzip2-9mb-stream-flood", Bzip2StreamFlood),
        ("zip-70000-deflated-members", () => ZipAttackTests.RealZip([.. Enumerable.Range(0, 70_000).Select(i => ($"d{i % 500:d3}/f{i:d6}", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"{i:d6}", 700)))))])),
    ];

    private static byte[] Repeat(int count, Func<int, (string Name, byte[] Data)> member)
    {
        var tar = new TarWriter();
        for (int i = 0; i < count; i++)
        {
            var (name, data) = member(i);
            tar.File(name, data);
        }

        return tar.ToArray();
    }

    private static byte[] SymlinkChainTar()
    {
        string deep = string.Join('/', Enumerable.Range(0, 24).Select(i => "d" + i));
        var tar = new TarWriter().File("etc/hostname", "fixture\n"u8.ToArray());
        tar.Directory(deep);
        return tar.Symlink(deep + "/up", "/")
            .Symlink(deep + "/esc", "up/" + string.Concat(Enumerable.Repeat("../", 40)) + "etc/hostname")
            .File(deep + "/esc/x", "written through esc"u8.ToArray())
            .ToArray();
    }

    /// <summary>"a" is a symlink 60 folders deep in the listing but a folder on disk: "a/" + 60 ".." is "/".</summary>
    private static byte[] SymlinkOverFolderTar()
    {
        string deep = string.Join('/', Enumerable.Range(0, 60).Select(i => "p" + i));
        return new TarWriter()
            .Directory(deep)
            .File("a/x", "x\n"u8.ToArray())
            .Symlink("a", deep)
            .Symlink("l", "a/" + string.Concat(Enumerable.Repeat("../", 60)) + "etc")
            .File("f/b", "b\n"u8.ToArray())
            .File("f", "f\n"u8.ToArray())
            .Symlink("m", "f/" + string.Concat(Enumerable.Repeat("../", 60)) + "etc")
            .ToArray();
    }

    private static byte[] MemberCollisionTar()
    {
        byte[] planted = new TarWriter().Directory("z-tar").Symlink("z-tar/entries.tsv", "/etc/hostname").Symlink("z-tar/root", "/").ToArray();
        byte[] second = new TarWriter().File("etc/passwd", "root:x:0:0\n"u8.ToArray(), 0x1FF).ToArray();
        return new TarWriter().File("a", planted).File("a-tar/root/z", second).ToArray();
    }

    private static byte[] LongNamesTar()
    {
        var gz = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 400).Select(i => $"line {i * 7919 % 1000}\n"))));
        }

        return new TarWriter().File(new string('n', 251) + ".gz", gz.ToArray()).File(new string('n', 252) + ".gz", gz.ToArray()).ToArray();
    }

    // 5,000 small files in one solid folder (tests/fixtures/make-7z-solid.sh); no 7z writer here.
    private static byte[] SolidSevenZip() => File.ReadAllBytes(TestPaths.Fixture("solid-5000.7z"));

    /// <summary>Four 2 GiB sparse files in a few KB (compressed block lists): 8 GiB if holes went uncounted.</summary>
    private static byte[] SparseSquashFs()
    {
        var b = new SquashFsImageBuilder { CompressMetadata = true };
        var files = Enumerable.Range(0, 4).Select(i => ($"sparse{i}.img", b.AddSparseFile(2L << 30), SquashFsImageBuilder.TypeFile)).ToList();
        return b.Build(b.AddDirectory(b.AddListing(files)));
    }

    /// <summary>Eight directory inodes per level sharing the next level's listing, twelve levels: 8^12 paths if each were walked.</summary>
    private static byte[] SharedListingsSquashFs()
    {
        var b = new SquashFsImageBuilder();
        ulong leaf = b.AddFile(b.AddData("leaf"u8), 4, [4 | SquashFsImageBuilder.StoredBit]);
        var listing = b.AddListing([("leaf", leaf, SquashFsImageBuilder.TypeFile)]);
        for (int level = 0; level < 12; level++)
        {
            var shared = listing;
            listing = b.AddListing([.. Enumerable.Range(0, 8).Select(j => ($"d{j}", b.AddDirectory(shared), SquashFsImageBuilder.TypeDir))]);
        }

        return b.Build(b.AddDirectory(listing));
    }

    /// <summary>2.2 MB of image whose fragment table claims 2^27 entries (2 GiB).</summary>
    private static byte[] HugeFragmentCountSquashFs()
    {
        byte[] image = SquashFsAttackTests.WithRoomForAnIndex(out long room);
        SquashFsImageBuilder.Patch64(image, SquashFsImageBuilder.Field.FragmentTable, (ulong)room);
        SquashFsImageBuilder.Patch32(image, SquashFsImageBuilder.Field.FragmentCount, 1u << 27);
        return image;
    }

    /// <summary>One 1 MiB member named by 200 central-directory entries.</summary>
    private static byte[] SharedLocalHeaderZip()
    {
        var data = ZipAttackTests.Deflate(new byte[1 << 20]);
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(new byte[1 << 20]);
        var zip = new ZipAttackTests.ZipBuilder();
        long local = zip.AddLocal("f000"u8, data, crc: crc, size: 1 << 20, method: 8);
        for (int i = 0; i < 200; i++)
        {
            zip.AddCentral(Encoding.ASCII.GetBytes($"f{i:d3}"), local, data.Length, crc: crc, size: 1 << 20, method: 8);
        }

        return zip.Finish();
    }

    /// <summary>8 MB of valid-looking local headers and no end record.</summary>
    private static byte[] RepeatedLocalHeaders()
    {
        var header = new ZipAttackTests.ZipBuilder();
        header.AddLocal("a"u8, [], 0, 0, method: 0);
        var one = header.Bytes;
        var image = new byte[8 << 20];
        for (int i = 0; i + one.Length <= image.Length; i += one.Length)
        {
            one.CopyTo(image, i);
        }

        return image;
    }

    /// <summary>9 MB of 39-byte bzip2 streams back to back (230,000 streams, each a decoder set-up).</summary>
    private static byte[] Bzip2StreamFlood() => Bzip2AttackTests.Flood(9_000_000 / Bzip2AttackTests.TinyStream.Length, gap: 0);
}
