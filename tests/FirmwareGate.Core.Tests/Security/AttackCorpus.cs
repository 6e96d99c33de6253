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
        ("tar-long-member-names", LongNamesTar),
        ("tar-zero-files", () => Repeat(8, i => ($"zeros{i}.bin", new byte[1 << 20]))),
        ("7z-solid-5000-files", SolidSevenZip),
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
}
