using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Hardening;
using FirmwareGate.Core.Elf;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Checks.Hardening;

/// <summary>
/// The hardening of the ELF reader's fixtures (eight architectures, ELF32 and ELF64, both byte orders, PIE, static,
/// shared, stripped, without section headers), compared with checksec's output and readelf's facts that
/// tests/fixtures/hardening-fixtures.sh recorded in Fixtures/Hardening/elf-fixtures.tsv.
/// </summary>
public sealed class HardeningFixtureTests
{
    /// <summary>Where the scanner and checksec differ on the fixtures, and why checksec is wrong there.</summary>
    private static readonly Dictionary<(string Name, string Field), (string Ours, string Checksec, string Reason)> KnownDifferences = new()
    {
        [("ppc64-static", "nx")] = ("yes", "no",
            "no PT_GNU_STACK: Linux keeps the stack non-executable for 64-bit PowerPC (elf_read_implies_exec is false for 64-bit tasks); checksec says NX disabled for any file without PT_GNU_STACK"),
        [("aarch64-noshdr", "fortify-able")] = ("2", "0",
            "no section headers (sstrip): the loader reads .dynsym through DT_SYMTAB, and so does the scanner; checksec's readelf --dyn-syms needs the section headers"),
        [("mipsel-noshdr", "fortify-able")] = ("2", "0",
            "no section headers (sstrip): .dynsym read through DT_SYMTAB and DT_MIPS_SYMTABNO; checksec's readelf --dyn-syms needs the section headers"),
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var row in Rows)
        {
            data.Add(row["name"]);
        }

        return data;
    }

    private static List<Dictionary<string, string>> Rows { get; } = ChecksecRow.Read(TestPaths.Fixture(Path.Combine("Hardening", "elf-fixtures.tsv")));

    [Theory]
    [MemberData(nameof(Names))]
    public void Fixture_agrees_with_checksec_and_readelf(string name)
    {
        var row = Rows.Single(r => r["name"] == name);
        var elf = ElfFile.Parse(File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", name))), ElfReadOptions.WithSymbols);
        var b = HardeningAnalyzer.Build("/bin/" + name, "fixture:/bin/" + name, elf);
        var ours = ChecksecRow.Of(b);
        foreach (var field in ChecksecRow.Fields)
        {
            if (KnownDifferences.TryGetValue((name, field), out var known))
            {
                Assert.Equal((known.Ours, known.Checksec), (ours[field], row[field]));
            }
            else
            {
                Assert.True(row[field] == ours[field], $"{name} {field}: ours {ours[field]}, checksec {row[field]}");
            }
        }

        // readelf's PT_GNU_STACK flags, and the evidence that quotes them.
        if (row["gnu_stack"] != "-")
        {
            Assert.Equal($"PT_GNU_STACK flags {row["gnu_stack"]}", b.Nx.Evidence);
        }
        else
        {
            Assert.StartsWith("no PT_GNU_STACK", b.Nx.Evidence, StringComparison.Ordinal);
        }

        Assert.Equal(row["type"] == "EXEC" ? "exec" : "dyn", b.Type);
        bool x86 = elf.Header.Machine is ElfMachines.X86 or ElfMachines.X86_64;
        Assert.Equal(x86, b.Cet is not null);
        Assert.Equal(row["x86_features"].Contains("IBT", StringComparison.Ordinal), b.Cet?.Ibt ?? false);
        Assert.Equal(row["x86_features"].Contains("SHSTK", StringComparison.Ordinal), b.Cet?.Shstk ?? false);
    }

    [Fact]
    public void Missing_gnu_stack_follows_the_kernel_rule_per_architecture()
    {
        // elf_read_implies_exec(): true for 32-bit x86, ARM, 32-bit PowerPC, MIPS; false for the 64-bit ABIs below.
        static bool Exec(ushort machine, bool is64) => HardeningRules.StackExecutableWithoutGnuStack(new ElfHeader(is64, false, 0, ElfType.Executable, machine, 0, 0));
        Assert.True(Exec(ElfMachines.X86, false));
        Assert.True(Exec(ElfMachines.Arm, false));
        Assert.True(Exec(ElfMachines.Mips, false));
        Assert.True(Exec(ElfMachines.PowerPC, false));
        Assert.False(Exec(ElfMachines.X86_64, true));
        Assert.False(Exec(ElfMachines.Aarch64, true));
        Assert.False(Exec(ElfMachines.PowerPC64, true));
        Assert.False(Exec(ElfMachines.RiscV, true));

        // The freestanding ppc64 fixture has no PT_GNU_STACK (readelf shows none).
        var ppc64 = ElfFile.Parse(File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", "ppc64-static"))));
        Assert.Null(ppc64.StackFlags);
        Assert.Equal(true, HardeningRules.Nx(ppc64).Value);
    }

    [Fact]
    public void Static_file_without_any_symbol_has_an_unknown_canary()
    {
        // aarch64-static, stripped of .symtab in memory: no .dynsym and no .symtab leave nothing to decide from.
        var bytes = File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", "aarch64-static")));
        var elf = ElfFile.Parse(bytes, ElfReadOptions.Default);
        var b = HardeningAnalyzer.Build("/sbin/x", "x", elf);
        Assert.Null(b.Canary.Value);
        Assert.Equal("no symbols in .dynsym or .symtab to decide from", b.Canary.Evidence);
    }

    [Theory]
    [InlineData("/opt/vendor/lib", null)]
    [InlineData("$ORIGIN/../lib", null)]
    [InlineData("/usr/lib:/tmp/lib", "/tmp/lib")]
    [InlineData("/usr/lib::/lib", "")]
    [InlineData("lib", "lib")]
    [InlineData("./plugins", "./plugins")]
    [InlineData("/var/tmp", "/var/tmp")]
    [InlineData("/tmpfoo", null)]
    public void Search_path_entries_an_attacker_may_write_are_found(string path, string? expected) =>
        Assert.Equal(expected, HardeningAnalyzer.UnsafeSearchEntry(path));

    [Fact]
    public void Truncated_header_is_a_malformed_finding_and_a_note_not_a_binary()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", "aarch64-pie")))[..40];
        var (sink, wanted) = Run(bytes);
        Assert.True(wanted);
        Assert.Empty(sink.Items<BinaryHardening>());
        var finding = Assert.Single(sink.Items<Finding>());
        Assert.Equal(HardeningAnalyzer.Malformed, finding.RuleId);
        Assert.Contains("truncated", finding.Evidence, StringComparison.Ordinal);
        Assert.StartsWith("Malformed ELF file", finding.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Warnings);
    }

    [Fact]
    public void Damaged_section_table_still_gives_properties_and_a_malformed_finding()
    {
        // e_shoff (ELF64 offset 40) pointed far past the end: program headers still decide NX, PIE and RELRO.
        var bytes = File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", "aarch64-pie")));
        BitConverter.GetBytes((ulong)bytes.Length * 4).CopyTo(bytes, 40);
        var (sink, _) = Run(bytes);
        var b = Assert.Single(sink.Items<BinaryHardening>());
        Assert.Equal(("full", "yes", true), (b.Relro.Value, b.Pie.Value, b.Nx.Value));
        Assert.Equal("no section headers (sstrip)", b.Stripped.Evidence);
        Assert.Contains(sink.Items<Finding>(), f => f.RuleId == HardeningAnalyzer.Malformed && f.Evidence.Contains("section header table", StringComparison.Ordinal));
    }

    [Fact]
    public void Relocatable_objects_are_not_binaries()
    {
        // ET_REL (a kernel module or object file): e_type at offset 16 set to 1 in a copy of a real file.
        var bytes = File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", "aarch64-pie")));
        bytes[16] = 1;
        bytes[17] = 0;
        var (sink, _) = Run(bytes);
        Assert.Empty(sink.Items<BinaryHardening>());
        Assert.DoesNotContain(sink.Items<Finding>(), f => f.RuleId != HardeningAnalyzer.Malformed);
    }

    [Fact]
    public void Core_dump_is_a_finding()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", "mipsel-exec")));
        bytes[16] = 4; // ET_CORE, little-endian
        bytes[17] = 0;
        var (sink, _) = Run(bytes);
        Assert.Empty(sink.Items<BinaryHardening>());
        Assert.Contains(sink.Items<Finding>(), f => f.RuleId == HardeningAnalyzer.CoreDump && f.Severity == Severity.Medium);
    }

    [Fact]
    public void Mutated_files_never_escape_the_analyser()
    {
        // Seeded truncations, byte flips and inflated fields over every fixture: each run ends in a binary or a
        // malformed finding, never an exception or a warning (a warning is what the walk makes of an exception).
        var random = new Random(16);
        int binaries = 0, malformed = 0;
        foreach (var row in Rows)
        {
            var original = File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", row["name"])));
            for (int i = 0; i < 40; i++)
            {
                var bytes = Mutate(original, random);
                var (sink, _) = Run(bytes);
                Assert.Empty(sink.Warnings);
                binaries += sink.Items<BinaryHardening>().Count;
                malformed += sink.Items<Finding>().Count(f => f.RuleId == HardeningAnalyzer.Malformed);
            }
        }

        Assert.True(binaries > 0 && malformed > 0, $"{binaries} binaries, {malformed} malformed");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        byte[] bytes;
        switch (random.Next(3))
        {
            case 0:
                bytes = original[..random.Next(5, original.Length)];
                break;
            case 1:
                bytes = (byte[])original.Clone();
                for (int k = 0; k < 16; k++)
                {
                    bytes[random.Next(4, Math.Min(bytes.Length, 512))] ^= (byte)random.Next(1, 256);
                }

                break;
            default:
                bytes = (byte[])original.Clone();
                int at = random.Next(16, Math.Min(bytes.Length - 4, 64));
                BitConverter.GetBytes(0xfffffff0u).CopyTo(bytes, at);
                break;
        }

        return bytes;
    }

    private static (AnalysisSink Sink, bool Wanted) Run(byte[] bytes)
    {
        var content = new MemoryByteSource(bytes);
        var layer = new Layer { Format = "squashfs", Location = "image.bin@0x0:squashfs" };
        var entry = new FsEntry { Path = "/usr/bin/x", Type = EntryType.File, Content = content };
        var target = new AnalysisTarget(layer, entry, content);
        var analyzer = new HardeningAnalyzer();
        var sink = new AnalysisSink();
        if (!analyzer.Wants(target, content.ReadHead(AnalyzedFile.HeadLength)))
        {
            return (sink, false);
        }

        using var file = new AnalyzedFile(target, 64L << 20, CancellationToken.None);
        try
        {
            analyzer.Analyze(file, sink);
        }
        catch (Exception e)
        {
            sink.Warn(target, analyzer.Name, e.GetType().Name + ": " + e.Message);
        }

        return (sink, true);
    }
}
