using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>Entries that try to leave the output folder are reported and never written outside it.</summary>
public sealed class PathTraversalTests
{
    [Theory]
    [InlineData("traversal.tar", "tar")]
    [InlineData("traversal.zip", "zip")]
    [InlineData("traversal.cpio", "cpio")]
    [InlineData("traversal.sqfs", "squashfs")]
    public void Nothing_is_written_outside_the_output_folder(string fixture, string format)
    {
        using var temp = new TempDir();
        string output = temp.Combine("box", "out");
        Directory.CreateDirectory(temp.Combine("box"));
        using var result = Scan.Run(TestPaths.Fixture(fixture), output: output);

        // Only the output folder exists next to it; nothing escaped upwards or to /tmp.
        Assert.Equal(["out"], Directory.GetFileSystemEntries(temp.Combine("box")).Select(Path.GetFileName));
        Assert.False(File.Exists(temp.Combine("box", "evil.txt")));
        Assert.False(File.Exists("/tmp/evil3.txt"));
        Assert.False(File.Exists("/tmp/escaped"));
        foreach (var file in Directory.EnumerateFiles(output, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            Assert.StartsWith(Path.GetFullPath(output), Path.GetFullPath(file), StringComparison.Ordinal);
        }

        // The safe entry is there, and the escaping ones are named in warnings.
        var layer = result.Single(format);
        Assert.Contains(layer.FileSystem!.Entries, e => e.Path == "/safe.txt" || e.Path == "/safe.txt".Replace("/safe", "/sub/safe", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("escapes the root", StringComparison.Ordinal) || w.Contains("outside the output folder", StringComparison.Ordinal));
        Assert.Equal(3, result.ExitCode(allowIncomplete: false));
    }

    [Fact]
    public void Tar_symlink_out_of_the_root_is_not_followed_by_a_later_entry()
    {
        using var temp = new TempDir();
        using var result = Scan.Run(TestPaths.Fixture("traversal.tar"), output: temp.Combine("out"));
        var tar = result.Single("tar");
        var entries = tar.FileSystem!.Entries.Select(e => e.Path).ToList();
        Assert.Contains("/abs/rooted.txt", entries);
        Assert.StartsWith("1 (first: /abs/rooted.txt)", tar.Details["absoluteNames"], StringComparison.Ordinal);
        Assert.DoesNotContain(entries, p => p.Contains("evil.txt", StringComparison.Ordinal) && !p.Contains("link-out", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("../evil.txt", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("hard-out", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("link-out", StringComparison.Ordinal));
        string root = temp.Combine("out", "0x0-tar", "root");
        Assert.True(File.Exists(Path.Combine(root, "abs", "rooted.txt")));
        // "link-out" became a real folder inside the root (files are written before symlinks), so the
        // entry meant to pass through the symlink landed inside the output folder, not in /tmp.
        Assert.Null(new DirectoryInfo(Path.Combine(root, "link-out")).LinkTarget);
        Assert.False(File.Exists("/tmp/evil3.txt"));
    }

    [Fact]
    public void SquashFs_escaping_symlink_is_refused_and_absolute_ones_are_rebased()
    {
        using var temp = new TempDir();
        using (var evil = Scan.Run(TestPaths.Fixture("traversal.sqfs"), output: temp.Combine("evil")))
        {
            Assert.Contains(evil.Warnings, w => w.Contains("escape-link", StringComparison.Ordinal));
            Assert.False(Path.Exists(temp.Combine("evil", "0x0-squashfs", "root", "escape-link")));
        }

        using var ok = Scan.Run(TestPaths.Fixture("squashfs-xz.sqfs"), output: temp.Combine("ok"));
        var link = new FileInfo(temp.Combine("ok", "0x0-squashfs", "root", "data", "abs-link"));
        Assert.Equal("../etc/passwd", link.LinkTarget);
        Assert.Equal("root:x:0:0", File.ReadAllText(link.FullName)[..10]);
    }
}
