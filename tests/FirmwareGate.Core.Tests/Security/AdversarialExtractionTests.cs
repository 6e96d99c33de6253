using System.Diagnostics;
using System.Text;
using FirmwareGate.Core.Tests.Formats;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// Trees whose names, types and links disagree with each other, extracted for real: the tree a
/// symlink is checked against must be the tree on disk, whichever entry wins a name. A "host"
/// folder of sentinel files sits next to the output; nothing in it may change or become reachable
/// through a link in the output.
/// </summary>
public sealed class AdversarialExtractionTests
{
    private sealed class Sandbox : IDisposable
    {
        private readonly TempDir _temp = new();

        public Sandbox()
        {
            Directory.CreateDirectory(Host);
            File.WriteAllText(Path.Combine(Host, "secret"), "host secret\n");
            Before = HostSnapshot.Of(Host);
        }

        public string Host => _temp.Combine("host");

        public string Output => _temp.Combine("out");

        public HostSnapshot Before { get; }

        public string Write(string name, byte[] bytes)
        {
            string path = _temp.Combine(name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        /// <summary>No symlink below the output resolves outside it.</summary>
        public void AssertNoLinkLeaves()
        {
            string output = Path.GetFullPath(Output);
            foreach (var entry in Directory.EnumerateFileSystemEntries(output, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                var info = new FileInfo(entry);
                if (info.LinkTarget is null)
                {
                    continue;
                }

                var resolved = info.ResolveLinkTarget(returnFinalTarget: true);
                if (resolved is { Exists: true } || (resolved is not null && Directory.Exists(resolved.FullName)))
                {
                    Assert.StartsWith(output + "/", Path.GetFullPath(resolved.FullName) + "/", StringComparison.Ordinal);
                }
            }
        }

        public void Dispose() => _temp.Dispose();
    }

    private static string Climb(int count) => string.Concat(Enumerable.Repeat("../", count));

    [Fact]
    public void A_file_entry_that_lands_as_a_folder_does_not_stop_a_symlink_check()
    {
        using var box = new Sandbox();

        // "a/b" makes "a" a folder on disk; the later file "a" cannot replace it. A link that climbs
        // through "a" must be checked against the folder, not against the file that never landed.
        byte[] tar = new TarWriter()
            .Directory("a/b")
            .File("a", "file\n"u8.ToArray())
            .Symlink("l", "a/" + Climb(40) + box.Host.TrimStart('/') + "/secret")
            .Symlink("ok", "a/b")
            .ToArray();
        using var result = Scan.Run(box.Write("dirfile.tar", tar), output: box.Output);

        string root = Path.Combine(box.Output, "0x0-tar", "root");
        Assert.False(HostSnapshot.EntryExists(Path.Combine(root, "l")));
        Assert.Contains(result.Warnings, w => w.Contains("symlink /l ->", StringComparison.Ordinal) && w.Contains("escapes the root", StringComparison.Ordinal));
        Assert.Equal("a/b", new FileInfo(Path.Combine(root, "ok")).LinkTarget);
        box.AssertNoLinkLeaves();
        box.Before.AssertUnchanged(box.Host);
    }

    [Fact]
    public void A_symlink_entry_over_a_folder_is_not_followed_by_the_check()
    {
        using var box = new Sandbox();

        // "a" is stored as a folder's parent and later as a symlink 60 folders deep: on disk it is a
        // folder (its child is written first), so "a/" + 60 ".." climbs to "/", not to the root.
        string deep = string.Join('/', Enumerable.Range(0, 60).Select(i => "p" + i));
        byte[] tar = new TarWriter()
            .Directory(deep)
            .File("a/x", "x\n"u8.ToArray())
            .Symlink("a", deep)
            .Symlink("l", "a/" + Climb(60) + box.Host.TrimStart('/') + "/secret")
            .ToArray();
        using var result = Scan.Run(box.Write("dirlink.tar", tar), output: box.Output);

        string root = Path.Combine(box.Output, "0x0-tar", "root");
        Assert.False(HostSnapshot.EntryExists(Path.Combine(root, "l")));
        Assert.True(Directory.Exists(Path.Combine(root, "a")));
        Assert.Equal("x\n", File.ReadAllText(Path.Combine(root, "a", "x")));
        Assert.Contains(result.Warnings, w => w.Contains("/a: a symlink that other entries are stored below; extracted as a folder", StringComparison.Ordinal));
        box.AssertNoLinkLeaves();
        box.Before.AssertUnchanged(box.Host);
    }

    [Fact]
    public void A_symlink_target_with_a_nul_byte_is_refused()
    {
        using var box = new Sandbox();

        // symlink(2) stops at the NUL: "up" would be ".." on disk and "l2" two levels above the root.
        byte[] cpio =
        [
            .. CpioBytes.Newc("up"u8.ToArray(), "..\0"u8.ToArray(), mode: 0xA1FF, ino: 1),
            .. CpioBytes.Newc("l2"u8.ToArray(), "up/../..\0"u8.ToArray(), mode: 0xA1FF, ino: 2),
            .. CpioBytes.Newc("l3"u8.ToArray(), Encoding.ASCII.GetBytes("l2/host/secret"), mode: 0xA1FF, ino: 3),
            .. CpioBytes.Newc("fine"u8.ToArray(), "fine\n"u8.ToArray(), ino: 4),
            .. CpioBytes.Trailer(),
        ];
        using var result = Scan.Run(box.Write("nul.cpio", cpio), output: box.Output);

        string root = Path.Combine(box.Output, "0x0-cpio", "root");
        Assert.False(HostSnapshot.EntryExists(Path.Combine(root, "up")));
        Assert.False(HostSnapshot.EntryExists(Path.Combine(root, "l2")));
        Assert.Contains(result.Warnings, w => w.Contains("symlink /up ->", StringComparison.Ordinal) && w.Contains("NUL", StringComparison.Ordinal));
        Assert.Equal("fine\n", File.ReadAllText(Path.Combine(root, "fine")));
        box.AssertNoLinkLeaves();
        box.Before.AssertUnchanged(box.Host);
    }

    /// <summary>
    /// 39 links whose 4 KiB targets each start with the next link and end at a file, then
    /// <paramref name="entries"/> links into the chain: each check queues 80,000 components.
    /// </summary>
    internal static byte[] LinkChainCpio(int entries)
    {
        var cpio = new List<byte>(CpioBytes.Newc("f"u8.ToArray(), "data\n"u8.ToArray(), ino: 1));
        string pad = string.Concat(Enumerable.Repeat("/x", 2020));
        for (int j = 0; j < 39; j++)
        {
            string next = j < 38 ? "s" + (j + 1) : "f";
            cpio.AddRange(CpioBytes.Newc(Encoding.ASCII.GetBytes("s" + j), Encoding.ASCII.GetBytes(next + pad), mode: 0xA1FF, ino: 10 + j));
        }

        for (int i = 0; i < entries; i++)
        {
            cpio.AddRange(CpioBytes.Newc(Encoding.ASCII.GetBytes("l" + i), "s0"u8.ToArray(), mode: 0xA1FF, ino: 100 + i));
        }

        cpio.AddRange(CpioBytes.Trailer());
        return [.. cpio];
    }

    [Fact]
    public void Links_into_a_chain_of_long_links_are_checked_in_bounded_time()
    {
        using var box = new Sandbox();
        var watch = Stopwatch.StartNew();
        using var result = Scan.Run(box.Write("chain.cpio", LinkChainCpio(20_000)), output: box.Output);
        watch.Stop();

        // Unbounded, this took minutes. Links are checked in name order; those past the budget are refused.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        string root = Path.Combine(box.Output, "0x0-cpio", "root");
        Assert.Equal("s0", new FileInfo(Path.Combine(root, "l0")).LinkTarget);
        Assert.False(HostSnapshot.EntryExists(Path.Combine(root, "l19999")));
        Assert.Contains(result.Warnings, w => w.Contains("steps to check", StringComparison.Ordinal));
        box.Before.AssertUnchanged(box.Host);
    }

    [Fact]
    public void Many_links_with_targets_thousands_of_components_deep_are_checked_quickly()
    {
        using var box = new Sandbox();

        // Each check walks 2,047 components below names the tree does not have.
        byte[] target = Encoding.ASCII.GetBytes(string.Join('/', Enumerable.Repeat("a", 2047)));
        byte[] cpio = [.. Enumerable.Range(0, 2000).SelectMany(i => CpioBytes.Newc(Encoding.ASCII.GetBytes("l" + i), target, mode: 0xA1FF, ino: i + 1)), .. CpioBytes.Trailer()];
        var watch = Stopwatch.StartNew();
        using var result = Scan.Run(box.Write("deep.cpio", cpio), output: box.Output);
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Equal(2000, Directory.GetFileSystemEntries(Path.Combine(box.Output, "0x0-cpio", "root")).Length);
        box.Before.AssertUnchanged(box.Host);
    }
}
