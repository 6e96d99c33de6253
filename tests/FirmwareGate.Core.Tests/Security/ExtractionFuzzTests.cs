using System.Diagnostics;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Tests.Formats;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// Seeded mutations of archives and filesystems, each scanned and extracted: the scan ends with
/// exit 0, 2 or 3, nothing next to the output folder changes, and every symlink that was created
/// resolves inside the output folder (or nowhere).
/// </summary>
public sealed class ExtractionFuzzTests
{
    private const int Mutations = 40;

    public static TheoryData<string> Seeds() =>
    [
        "fixture:traversal.tar", "fixture:traversal.cpio", "fixture:traversal.sqfs", "fixture:traversal.zip",
        "fixture:tree-gnu.tar", "fixture:squashfs-xz.sqfs", "fixture:sparse-pax-1.0.tar", "fixture:names-binary.cpio",
        "attack:tar-symlink-chain", "attack:tar-member-folder-collision",
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_trees_extract_inside_their_folder(string seed)
    {
        byte[] original = seed.StartsWith("fixture:", StringComparison.Ordinal)
            ? File.ReadAllBytes(TestPaths.Fixture(seed["fixture:".Length..]))
            : AttackCorpus.All.Single(a => a.Name == seed["attack:".Length..]).Build();
        var random = new Random(seed.Aggregate(17, (h, c) => (h * 31) + c));
        var limits = ReadLimits.Default with { MaxTotalBytes = 64L << 20, MaxFiles = 5000 };
        using var temp = new TempDir();
        Directory.CreateDirectory(temp.Combine("host"));
        File.WriteAllText(temp.Combine("host", "hostname"), "host\n");
        string input = temp.Combine("input.bin");
        for (int i = 0; i < Mutations; i++)
        {
            string output = temp.Combine("outputs", "out" + i);
            File.WriteAllBytes(input, FuzzTests.Mutate(original, random));
            var before = HostSnapshot.Of(temp.Path, skip: temp.Combine("outputs"));
            using (var result = Scan.Run(input, limits, output: output))
            {
                Assert.Contains(result.ExitCode(allowIncomplete: false), new[] { 0, 2, 3 });
            }

            before.AssertUnchanged(temp.Path, skip: temp.Combine("outputs"));
            AssertLinksResolveInside(output);
        }
    }

    /// <summary>Every symlink below the folder, resolved by the kernel's rules (realpath -m), stays below it.</summary>
    private static void AssertLinksResolveInside(string folder)
    {
        var links = new List<string>();
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var dir))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                if (new FileInfo(entry).LinkTarget is not null)
                {
                    links.Add(entry);
                }
                else if (Directory.Exists(entry))
                {
                    pending.Push(entry);
                }
            }
        }

        if (links.Count == 0)
        {
            return;
        }

        var info = new ProcessStartInfo("realpath", ["-m", "--", .. links]) { RedirectStandardOutput = true };
        using var realpath = Process.Start(info)!;
        string[] resolved = realpath.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        realpath.WaitForExit();
        Assert.Equal(links.Count, resolved.Length);
        Assert.All(resolved, r => Assert.StartsWith(folder + "/", r + "/", StringComparison.Ordinal));
    }
}
