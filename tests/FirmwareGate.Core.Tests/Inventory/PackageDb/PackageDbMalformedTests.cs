using System.Diagnostics;
using System.Text;
using FirmwareGate.Core.Inventory.PackageDb;
using static FirmwareGate.Core.Tests.Inventory.PackageDb.PackageDbRun;

namespace FirmwareGate.Core.Tests.Inventory.PackageDb;

/// <summary>Hostile and broken package databases and release files: bounded, no crash, warnings naming file and line.</summary>
public sealed class PackageDbMalformedTests
{
    private const string StatusLocation = "test.img@0x0:squashfs:/var/lib/dpkg/status";

    private static byte[] RealStatus() => File.ReadAllBytes(TestPathsFixture("gateway/var/lib/dpkg/status"));

    private static IReadOnlyList<string> Packages(byte[] status, out IReadOnlyList<string> warnings)
    {
        var results = Walk(("/var/lib/dpkg/status", status));
        warnings = results.Warnings;
        return [.. results.Packages().Select(o => o.Package!)];
    }

    private static void NoAnalyserFailure(IReadOnlyList<string> warnings) =>
        Assert.DoesNotContain(warnings, w => w.Contains("Exception", StringComparison.Ordinal) || w.Contains("cannot read", StringComparison.Ordinal));

    [Fact]
    public void Truncated_status_yields_the_complete_paragraphs_before_the_cut()
    {
        byte[] status = RealStatus();
        var all = Packages(status, out _).ToHashSet(StringComparer.Ordinal);
        for (int cut = 0; cut < status.Length; cut += 613)
        {
            var some = Packages(status[..cut], out var warnings);
            NoAnalyserFailure(warnings);
            Assert.Subset(all, some.ToHashSet(StringComparer.Ordinal));

            // Each paragraph whose Version line was read fully is there.
            string text = Encoding.UTF8.GetString(status, 0, cut);
            int complete = text.Split("\n\n").Count(p => p.Contains("\nVersion: ", StringComparison.Ordinal) && p.IndexOf('\n', p.IndexOf("\nVersion: ", StringComparison.Ordinal) + 1) > 0);
            Assert.True(some.Count >= complete, $"cut {cut}: {some.Count} packages, {complete} complete paragraphs");
        }
    }

    [Fact]
    public void Binary_garbage_gives_no_package_and_capped_warnings_naming_the_file_and_line()
    {
        var random = new Random(15);
        var garbage = new byte[1 << 20];
        random.NextBytes(garbage);
        var packages = Packages(garbage, out var warnings);
        Assert.Empty(packages);
        NoAnalyserFailure(warnings);
        Assert.InRange(warnings.Count, 2, FileWarnings.MaxPerFile + 1);
        Assert.All(warnings, w => Assert.StartsWith(StatusLocation + ": dpkg: ", w, StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("line ", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.EndsWith("more warnings about this file not shown", StringComparison.Ordinal));
    }

    [Fact]
    public void Fifty_megabyte_line_is_skipped_quickly()
    {
        var status = new byte[50 << 20];
        Array.Fill(status, (byte)'a');
        "Package: "u8.CopyTo(status);
        var time = Stopwatch.StartNew();
        var packages = Packages([.. status, .. "\n\nPackage: zlib1g\nVersion: 1:1.2.13.dfsg-1\n"u8], out var warnings);
        Assert.InRange(time.Elapsed.TotalSeconds, 0, 20);
        Assert.Equal(["zlib1g"], packages);
        Assert.Equal($"{StatusLocation}: dpkg: line 1 is {50 << 20} bytes, over the {ControlStanzaReader.MaxLineLength}-byte limit; skipped", Assert.Single(warnings));
    }

    [Fact]
    public void A_hundred_thousand_paragraphs_stop_at_the_limit()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 100_000; i++)
        {
            sb.Append("Package: pkg").Append(i).Append("\nStatus: install ok installed\nVersion: 1.0.").Append(i).Append("-1\nArchitecture: amd64\n\n");
        }

        var packages = Packages(Bytes(sb.ToString()), out var warnings);
        Assert.Equal(ControlStanzaReader.MaxStanzas, packages.Count);
        Assert.Equal($"{StatusLocation}: dpkg: more than {ControlStanzaReader.MaxStanzas} paragraphs; the rest, from line {(ControlStanzaReader.MaxStanzas * 5) + 1}, is ignored", Assert.Single(warnings));
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r\n")]
    public void Cr_and_crlf_line_ends_read_like_lf(string newline)
    {
        byte[] status = RealStatus();
        var expected = Packages(status, out _);
        var packages = Packages(Bytes(Encoding.UTF8.GetString(status).Replace("\n", newline, StringComparison.Ordinal)), out var warnings);
        Assert.Equal(expected, packages);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Non_utf8_names_and_versions_are_rejected_with_the_line()
    {
        byte[] status =
        [
            .. "Package: caf"u8, 0xE9, .. "\nVersion: 1.0-1\n\n"u8,
            .. "Package: good\nVersion: 1.0"u8, 0xFF, .. "-1\nDescription: bad bytes "u8, 0xC3, 0x28, .. " here\n\n"u8,
            .. "Package: fine\nVersion: 2.0-1\nDescription: "u8, 0xFE, .. "\n"u8,
        ];
        var results = Walk(("/var/lib/dpkg/status", status));
        var packages = results.Packages();
        Assert.Equal(["fine", "good"], packages.Select(o => o.Package));
        Assert.Null(packages.Single(o => o.Package == "good").Version);
        Assert.Equal("2.0", packages.Single(o => o.Package == "fine").Version);
        Assert.Contains($"{StatusLocation}: dpkg: paragraph at line 1: Package is not a valid package name; skipped", results.Warnings);
        Assert.Contains($"{StatusLocation}: dpkg: package good (line 4): Version is not a valid package version; ignored", results.Warnings);
    }

    [Fact]
    public void Duplicate_packages_keep_the_first_entry()
    {
        var results = Walk(("/var/lib/dpkg/status", Bytes(
            "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.20-1~deb12u2\nArchitecture: arm64\n\n"
            + "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.11-1~deb12u1\nArchitecture: arm64\n\n"
            + "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.20-1~deb12u2\nArchitecture: armhf\n")));
        var packages = results.Packages();
        Assert.Equal(["3.0.20", "3.0.20"], packages.Select(o => o.Version));
        Assert.Equal($"{StatusLocation}: dpkg: package libssl3 (arm64) listed again at line 7; the first entry is kept", Assert.Single(results.Warnings));
    }

    [Fact]
    public void Missing_version_gives_a_versionless_observation_and_a_warning()
    {
        var results = Walk(("/var/lib/dpkg/status", Bytes("Package: zlib1g\nStatus: install ok installed\nSource: zlib\nArchitecture: arm64\n")));
        var o = Assert.Single(results.Packages());
        Assert.Null(o.Version);
        Assert.Equal("pkg:deb/debian/zlib?arch=arm64", o.Purl);
        Assert.Equal("dpkg: zlib1g (no version) (source zlib)", o.Detail);
        Assert.Equal($"{StatusLocation}: dpkg: package zlib1g (line 1) has no Version", Assert.Single(results.Warnings));
    }

    [Fact]
    public void Packages_not_installed_and_paragraphs_without_package_are_left_out()
    {
        var results = Walk(("/var/lib/dpkg/status", Bytes(
            "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0-1\n\n"
            + "Package: half\nStatus: install reinstreq half-installed\nVersion: 1.0-1\n\n"
            + "Status: install ok installed\nVersion: 1.0-1\n\n"
            + " orphan continuation\nnot a field line\nPackage: held\nStatus: hold ok installed\nVersion: 2.0-1\n")));
        Assert.Equal(["held"], results.Packages().Select(o => o.Package));
        Assert.Equal(
            [
                $"{StatusLocation}: dpkg: line 12: continuation line without a field; skipped",
                $"{StatusLocation}: dpkg: line 13: not a \"Field: value\" line; skipped",
                $"{StatusLocation}: dpkg: paragraph at line 9 has no Package field; skipped",
            ],
            results.Warnings);
    }

    [Fact]
    public void Mutated_databases_never_fail_and_report_only_valid_names_and_versions()
    {
        byte[] status = RealStatus();
        byte[] opkg = File.ReadAllBytes(TestPathsFixture("router/usr/lib/opkg/status"));
        var random = new Random(1515);
        for (int round = 0; round < 150; round++)
        {
            byte[] source = round % 2 == 0 ? status : opkg;
            byte[] mutated = Mutate(source, random);
            var results = Walk(
                ("/var/lib/dpkg/status", mutated),
                ("/usr/lib/opkg/status", mutated),
                ("/etc/os-release", mutated[..Math.Min(mutated.Length, 2000)]),
                ("/var/lib/dpkg/info/libc6.list", mutated));
            NoAnalyserFailure(results.Warnings);
            Assert.All(results.Packages(), o =>
            {
                Assert.True(PackageEntry.IsName(o.Package!));
                Assert.True(o.Version is null || DebianVersion.IsValid(o.Version));
            });
        }
    }

    [Fact]
    public void Over_large_status_is_reported_not_read()
    {
        var status = new byte[3 << 20];
        var results = Walk([Layer([("/var/lib/dpkg/status", status)])], maxInMemory: 1 << 20);
        Assert.Empty(results.Packages());
        Assert.Equal($"{StatusLocation}: dpkg: {3 << 20} bytes, over the {1 << 20}-byte limit for a package database; not read", Assert.Single(results.Warnings));
    }

    [Fact]
    public void File_lists_skip_bad_lines_and_strip_the_arch_qualifier()
    {
        byte[] list = [.. "/.\n/usr\n/usr/lib/x86_64-linux-gnu/libc.so.6\nrelative/path\n/with\0nul\n"u8, .. Encoding.ASCII.GetBytes("/" + new string('a', 5000) + "\n"), .. "/last\r\n"u8];
        var results = Walk(("/var/lib/dpkg/info/libc6:amd64.list", list), ("/var/lib/dpkg/info/bad name.list", "/x\n"u8.ToArray()));
        var files = Assert.Single(results.Items<Core.Inventory.PackageFiles>());
        Assert.Equal("libc6", files.Package);
        Assert.Equal(["/usr", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/last"], files.Paths);
        string at = "test.img@0x0:squashfs:/var/lib/dpkg/info/";
        Assert.Equal(
            [
                $"{at}bad name.list: dpkg-list: file name is not a package name; skipped",
                $"{at}libc6:amd64.list: dpkg-list: line 4: not an absolute path; skipped",
                $"{at}libc6:amd64.list: dpkg-list: line 5: not an absolute path; skipped",
                $"{at}libc6:amd64.list: dpkg-list: line 6 is 5001 bytes, over the {PackageListReader.MaxLineLength}-byte limit; skipped",
            ],
            results.Warnings);
    }

    [Fact]
    public void Shell_quoting_of_release_files_is_undone()
    {
        const string text = "# comment\nNAME=\"Acme \\\"Gate\\\" OS\"\nID='acme gw'\nVERSION_ID=4.2\\ 1\nexport BUILD_ID=2023'-'\"11\"\n"
            + "VARIANT=edge # trailing comment\nBROKEN=\"unterminated\n1BAD=x\nnot an assignment\n";
        var results = Walk(("/etc/os-release", Bytes(text)));
        var fields = Assert.Single(results.Items<OsRelease>()).Fields;
        Assert.Equal("Acme \"Gate\" OS", fields["NAME"]);
        Assert.Equal("acme gw", fields["ID"]);
        Assert.Equal("4.2 1", fields["VERSION_ID"]);
        Assert.Equal("2023-11", fields["BUILD_ID"]);
        Assert.Equal("edge", fields["VARIANT"]);
        Assert.False(fields.ContainsKey("BROKEN"));
        Assert.Equal(
            [
                "test.img@0x0:squashfs:/etc/os-release: os-release: line 7: unterminated quote in the value of BROKEN; skipped",
                "test.img@0x0:squashfs:/etc/os-release: os-release: line 8: not a KEY=value assignment; skipped",
                "test.img@0x0:squashfs:/etc/os-release: os-release: line 9: not a KEY=value assignment; skipped",
            ],
            results.Warnings);

        // "acme gw" becomes the name "acme-gw"; "4.2 1" is not a version.
        var os = Assert.Single(results.Systems());
        Assert.Equal(("acme-gw", (string?)null), (os.Name, os.Version));
    }

    [Fact]
    public void Symlink_loops_and_oversized_release_files_are_ignored()
    {
        var results = Walk(
            ("/etc/os-release", Bytes("-> /usr/lib/os-release")),
            ("/usr/lib/os-release", Bytes("-> ../../etc/os-release")),
            ("/etc/lsb-release", Bytes("DISTRIB_ID=" + new string('x', ReleaseFacts.MaxFileBytes))),
            ("/etc/alpine-release", Bytes("3.18.4\n")));
        Assert.Equal("/etc/alpine-release", Assert.Single(results.Items<OsRelease>()).Path);
        var os = Assert.Single(results.Systems());
        Assert.Equal(("alpine", "3.18.4"), (os.Name, os.Version));
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var data = source.ToList();
        int edits = random.Next(1, 40);
        for (int i = 0; i < edits && data.Count > 0; i++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(5))
            {
                case 0: data[at] = (byte)random.Next(256); break;
                case 1: data.Insert(at, (byte)"\n\r :\t"[random.Next(5)]); break;
                case 2: data.RemoveRange(at, Math.Min(random.Next(1, 200), data.Count - at)); break;
                case 3: data.InsertRange(at, Enumerable.Repeat((byte)random.Next(256), random.Next(1, 5000))); break;
                default: data.RemoveRange(at, data.Count - at); break;
            }
        }

        return [.. data];
    }
}
