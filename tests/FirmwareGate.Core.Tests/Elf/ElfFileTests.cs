using System.Globalization;
using FirmwareGate.Core.Elf;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Elf;

/// <summary>The reader against real binaries of eight architectures, compared with what binutils' readelf printed for each.</summary>
public sealed class ElfFileTests
{
    // readelf's "Machine:" text -> e_machine (binutils elfcomm/readelf.c get_machine_name).
    private static readonly Dictionary<string, ushort> Machines = new(StringComparer.Ordinal)
    {
        ["AArch64"] = 183,
        ["ARM"] = 40,
        ["MIPS R3000"] = 8,
        ["PowerPC"] = 20,
        ["PowerPC64"] = 21,
        ["RISC-V"] = 243,
        ["Intel 80386"] = 3,
        ["Advanced Micro Devices X86-64"] = 62,
    };

    private static readonly Dictionary<string, ElfSegmentType> SegmentTypes = new(StringComparer.Ordinal)
    {
        ["NULL"] = ElfSegmentType.Null,
        ["LOAD"] = ElfSegmentType.Load,
        ["DYNAMIC"] = ElfSegmentType.Dynamic,
        ["INTERP"] = ElfSegmentType.Interp,
        ["NOTE"] = ElfSegmentType.Note,
        ["PHDR"] = ElfSegmentType.Phdr,
        ["TLS"] = ElfSegmentType.Tls,
        ["GNU_EH_FRAME"] = ElfSegmentType.GnuEhFrame,
        ["GNU_STACK"] = ElfSegmentType.GnuStack,
        ["GNU_RELRO"] = ElfSegmentType.GnuRelro,
        ["GNU_PROPERTY"] = ElfSegmentType.GnuProperty,
    };

    private static readonly Dictionary<string, ElfSectionType> SectionTypes = new(StringComparer.Ordinal)
    {
        ["NULL"] = ElfSectionType.Null,
        ["PROGBITS"] = ElfSectionType.ProgBits,
        ["SYMTAB"] = ElfSectionType.SymTab,
        ["STRTAB"] = ElfSectionType.StrTab,
        ["RELA"] = ElfSectionType.Rela,
        ["REL"] = ElfSectionType.Rel,
        ["HASH"] = ElfSectionType.Hash,
        ["DYNAMIC"] = ElfSectionType.Dynamic,
        ["NOTE"] = ElfSectionType.Note,
        ["NOBITS"] = ElfSectionType.NoBits,
        ["DYNSYM"] = ElfSectionType.DynSym,
        ["GNU_HASH"] = ElfSectionType.GnuHash,
        ["VERSYM"] = ElfSectionType.GnuVerSym,
        ["VERNEED"] = ElfSectionType.GnuVerNeed,
    };

    private static readonly Dictionary<string, ElfSymbolType> SymbolTypes = new(StringComparer.Ordinal)
    {
        ["NOTYPE"] = ElfSymbolType.NoType,
        ["OBJECT"] = ElfSymbolType.Object,
        ["FUNC"] = ElfSymbolType.Func,
        ["SECTION"] = ElfSymbolType.Section,
        ["FILE"] = ElfSymbolType.File,
        ["TLS"] = ElfSymbolType.Tls,
        ["IFUNC"] = ElfSymbolType.GnuIfunc,
    };

    // readelf cannot list the dynamic symbols of a file without section headers that has only DT_GNU_HASH;
    // the file it was cut from has the same .dynsym bytes.
    private static readonly Dictionary<string, string> SymbolsFrom = new(StringComparer.Ordinal) { ["aarch64-noshdr"] = "aarch64-pie-stripped" };

    public static TheoryData<string> Fixtures() => [.. FixtureNames()];

    internal static IEnumerable<string> FixtureNames() =>
        Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "elf"), "*.readelf.txt")
            .Select(p => Path.GetFileName(p)[..^".readelf.txt".Length])
            .Order(StringComparer.Ordinal);

    internal static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "elf", name));

    private static ReadElfOutput Expected(string name) => ReadElfOutput.Load(Path.Combine(TestPaths.Fixtures, "elf", name + ".readelf.txt"));

    [Fact]
    public void EveryArchitectureIsCovered()
    {
        var machines = FixtureNames().Select(n => ElfFile.Parse(Bytes(n)).Header.MachineName).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["aarch64", "arm", "mips", "ppc", "ppc64", "riscv", "x86", "x86-64"], StringComparer.Ordinal), machines);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void HeaderMatchesReadelf(string name)
    {
        var expected = Expected(name).Header;
        var elf = ElfFile.Parse(Bytes(name), ElfReadOptions.WithSymbols);
        var h = elf.Header;

        Assert.Equal(expected["Class"] == "ELF64", h.Is64Bit);
        Assert.Equal(expected["Data"].Contains("big endian", StringComparison.Ordinal), h.IsBigEndian);
        Assert.Equal(expected["OS/ABI"] switch { "UNIX - System V" => 0, "UNIX - GNU" => 3, var o => throw new InvalidOperationException(o) }, h.OsAbi);
        Assert.Equal(expected["Type"].Split(' ')[0] switch { "EXEC" => ElfType.Executable, "DYN" => ElfType.SharedObject, "REL" => ElfType.Relocatable, var t => throw new InvalidOperationException(t) }, h.Type);
        Assert.Equal(Machines[expected["Machine"]], h.Machine);
        Assert.Equal(ulong.Parse(expected["Entry point address"][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture), h.Entry);
        Assert.Equal(uint.Parse(expected["Flags"].Split(',')[0][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture), h.Flags);
        Assert.Equal(int.Parse(expected["Number of program headers"], CultureInfo.InvariantCulture), elf.ProgramHeaders.Count);
        Assert.Equal(int.Parse(expected["Number of section headers"], CultureInfo.InvariantCulture), elf.Sections.Count);
        Assert.Empty(elf.Problems);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void SegmentsAndInterpreterMatchReadelf(string name)
    {
        var expected = Expected(name);
        var elf = ElfFile.Parse(Bytes(name));

        Assert.Equal(expected.Segments.Count, elf.ProgramHeaders.Count);
        for (int i = 0; i < expected.Segments.Count; i++)
        {
            var (type, offset, vaddr, fileSize, memSize, flags) = expected.Segments[i];
            var p = elf.ProgramHeaders[i];
            if (SegmentTypes.TryGetValue(type, out var t))
            {
                Assert.Equal(t, p.Type);
            }

            Assert.Equal((offset, vaddr, fileSize, memSize), (p.Offset, p.VirtualAddress, p.FileSize, p.MemorySize));
            string actual = (p.Flags.HasFlag(ElfSegmentFlags.Read) ? "R" : "") + (p.Flags.HasFlag(ElfSegmentFlags.Write) ? "W" : "") + (p.Flags.HasFlag(ElfSegmentFlags.Execute) ? "E" : "");
            Assert.Equal(flags, actual);
        }

        Assert.Equal(expected.Interpreter, elf.Interpreter);
        Assert.Equal(expected.Segments.Any(s => s.Type == "GNU_RELRO"), elf.HasRelro);
        var stack = expected.Segments.Where(s => s.Type == "GNU_STACK").Select(s => s.Flags).SingleOrDefault();
        Assert.Equal(stack?.Contains('E', StringComparison.Ordinal), elf.StackFlags?.HasFlag(ElfSegmentFlags.Execute));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void SectionsMatchReadelf(string name)
    {
        var expected = Expected(name);
        var elf = ElfFile.Parse(Bytes(name));

        Assert.Equal(expected.Sections.Select(s => (s.Name, s.Offset, s.Size)), elf.Sections.Select(s => (s.Name, s.Offset, s.Size)));
        for (int i = 0; i < expected.Sections.Count; i++)
        {
            if (SectionTypes.TryGetValue(expected.Sections[i].Type, out var t))
            {
                Assert.Equal(t, elf.Sections[i].Type);
            }
        }

        Assert.Equal(expected.Sections.Any(s => s.Type == "SYMTAB"), elf.HasSymbolTable);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void DynamicSectionMatchesReadelf(string name)
    {
        var expected = Expected(name).Dynamic;
        var elf = ElfFile.Parse(Bytes(name));
        if (expected.Count == 0)
        {
            Assert.Null(elf.Dynamic);
            return;
        }

        var dynamic = Assert.IsType<ElfDynamic>(elf.Dynamic);
        Assert.Equal(expected.Where(e => e.Name != "NULL").Select(e => e.Tag), dynamic.Entries.Select(e => (ulong)e.Tag));
        Assert.Equal(expected.Where(e => e.Name == "NEEDED").Select(e => ReadElfOutput.Bracketed(e.Value)), dynamic.Needed);
        Assert.Equal(expected.Where(e => e.Name == "SONAME").Select(e => ReadElfOutput.Bracketed(e.Value)).SingleOrDefault(), dynamic.Soname);
        Assert.Equal(expected.Where(e => e.Name == "RPATH").Select(e => ReadElfOutput.Bracketed(e.Value)).SingleOrDefault(), dynamic.RPath);
        Assert.Equal(expected.Where(e => e.Name == "RUNPATH").Select(e => ReadElfOutput.Bracketed(e.Value)).SingleOrDefault(), dynamic.RunPath);
        bool bindNow = expected.Any(e => e.Name == "BIND_NOW"
            || (e.Name == "FLAGS" && e.Value.Split(' ').Contains("BIND_NOW"))
            || (e.Name == "FLAGS_1" && e.Value.Split(' ').Contains("NOW")));
        Assert.Equal(bindNow, dynamic.BindNow);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void DynamicSymbolsMatchReadelf(string name)
    {
        var expected = Expected(SymbolsFrom.GetValueOrDefault(name, name)).DynSyms;
        var elf = ElfFile.Parse(Bytes(name), ElfReadOptions.WithSymbols);

        // readelf shows an unnamed section symbol by its section's name.
        Assert.Equal(expected.Count, elf.DynamicSymbols.Count);
        Assert.All(expected.Zip(elf.DynamicSymbols), p => Assert.True(
            p.First.Name == p.Second.Name || (p.First.Type == "SECTION" && p.Second.Name.Length == 0),
            $"readelf {p.First.Name}, reader {p.Second.Name}"));
        Assert.Equal(expected.Any(s => s.Name.Length > 0), elf.DynamicSymbols.Any(s => s.Name.Length > 0));
        Assert.Equal(expected.Select(s => s.Ndx != "UND"), elf.DynamicSymbols.Select(s => s.IsDefined));
        Assert.Equal(expected.Select(s => SymbolTypes[s.Type]), elf.DynamicSymbols.Select(s => s.Type));
        Assert.Equal(expected.Select(s => s.Bind), elf.DynamicSymbols.Select(s => s.Binding.ToString().ToUpperInvariant()));
        Assert.Empty(elf.Problems);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void NotesMatchReadelf(string name)
    {
        var expected = Expected(name);
        var elf = ElfFile.Parse(Bytes(name));

        Assert.Equal(expected.BuildId, elf.BuildId);
        Assert.Equal(expected.Properties is not null, elf.GnuProperties is not null);
        bool ibt = expected.Properties?.Contains("x86 feature: ", StringComparison.Ordinal) == true && expected.Properties.Contains("IBT", StringComparison.Ordinal);
        bool shstk = expected.Properties?.Contains("x86 feature: ", StringComparison.Ordinal) == true && expected.Properties.Contains("SHSTK", StringComparison.Ordinal);
        Assert.Equal(ibt, elf.GnuProperties?.Ibt == true);
        Assert.Equal(shstk, elf.GnuProperties?.Shstk == true);
    }

    [Fact]
    public void CetFixtureHasBothFeatures()
    {
        // Guards the test above against a fixture set where no file carries the features.
        var elf = ElfFile.Parse(Bytes("x86_64-cet-static"));
        Assert.True(elf.GnuProperties is { Ibt: true, Shstk: true });
        Assert.False(ElfFile.Parse(Bytes("x86_64-cet")).GnuProperties!.Ibt); // present: the file has a property note
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void SymbolTableMatchesSectionSize(string name)
    {
        var expected = Expected(name);
        var elf = ElfFile.Parse(Bytes(name), ElfReadOptions.WithSymbols);
        var symtab = expected.Sections.Where(s => s.Type == "SYMTAB").Select(s => (int)(s.Size / (elf.Header.Is64Bit ? 24UL : 16UL))).SingleOrDefault();

        Assert.Equal(symtab, elf.Symbols.Count);
        if (symtab > 0)
        {
            string function = elf.Interpreter is not null ? "main" : elf.Dynamic?.Soname is not null ? "fg_answer" : "_start";
            Assert.Contains(elf.Symbols, s => s.Name == function && s.IsDefined && s.Type == ElfSymbolType.Func);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ByteSourceAndMemoryGiveTheSameFacts(string name)
    {
        byte[] bytes = Bytes(name);
        var a = ElfFile.Parse(bytes, ElfReadOptions.WithSymbols);
        var b = ElfFile.Read(new MemoryByteSource(bytes), ElfReadOptions.WithSymbols);

        Assert.Equal(a.Header, b.Header);
        Assert.Equal(a.ProgramHeaders, b.ProgramHeaders);
        Assert.Equal(a.Sections, b.Sections);
        Assert.Equal(a.Dynamic?.Entries, b.Dynamic?.Entries);
        Assert.Equal(a.DynamicSymbols, b.DynamicSymbols);
        Assert.Equal(a.Symbols, b.Symbols);
    }
}
