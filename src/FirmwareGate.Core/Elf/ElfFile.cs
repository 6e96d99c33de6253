using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Elf;

/// <summary>
/// The facts of one ELF file (System V gABI 4.1, ELF32 and ELF64, either byte order): header, program headers,
/// named section headers, the dynamic section (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, flags), the program
/// interpreter, dynamic and full symbol tables, and the GNU notes (build id, x86 and AArch64 feature properties).
/// </summary>
/// <remarks>
/// Written here rather than taken from a library because firmware ELF files are hostile and often damaged
/// (sstrip'ed, truncated by a carver, vendor-mangled): every offset, count and size is checked against the
/// file length and against <see cref="ElfReadOptions"/> caps before use, so no input makes the reader allocate
/// more than the file holds or loop without end. The available .NET ELF readers (ELFSharp, LibObjectFile) build
/// a full object model of the file, throw or read unbounded tables on malformed input, and cannot fall back
/// from section headers to the dynamic segment the way a stripped binary requires.
/// Only a broken file header throws (<see cref="ElfFormatException"/>); a fault in any later part is recorded in
/// <see cref="Problems"/>, that part is skipped or cut short, and the rest is still read.
/// </remarks>
public sealed class ElfFile
{
    internal ElfFile(
        ElfHeader header,
        IReadOnlyList<ElfProgramHeader> programHeaders,
        IReadOnlyList<ElfSection> sections,
        string? interpreter,
        ElfDynamic? dynamic,
        IReadOnlyList<ElfSymbol> dynamicSymbols,
        IReadOnlyList<ElfSymbol> symbols,
        ElfGnuProperties? gnuProperties,
        string? buildId,
        IReadOnlyList<ElfProblem> problems)
    {
        Header = header;
        ProgramHeaders = programHeaders;
        Sections = sections;
        Interpreter = interpreter;
        Dynamic = dynamic;
        DynamicSymbols = dynamicSymbols;
        Symbols = symbols;
        GnuProperties = gnuProperties;
        BuildId = buildId;
        Problems = problems;
    }

    /// <summary>The file header.</summary>
    public ElfHeader Header { get; }

    /// <summary>Program headers (segments), in file order.</summary>
    public IReadOnlyList<ElfProgramHeader> ProgramHeaders { get; }

    /// <summary>Section headers with their names, in file order; empty when the file has none (sstrip) or they are unreadable.</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>PT_INTERP: the dynamic loader path ("/lib/ld-linux-aarch64.so.1"), when present.</summary>
    public string? Interpreter { get; }

    /// <summary>The dynamic section; null for a static file without one.</summary>
    public ElfDynamic? Dynamic { get; }

    /// <summary>.dynsym, when <see cref="ElfReadOptions.DynamicSymbols"/> asked for it (index 0, the null symbol, included).</summary>
    public IReadOnlyList<ElfSymbol> DynamicSymbols { get; }

    /// <summary>.symtab, when present and <see cref="ElfReadOptions.SymbolTable"/> asked for it.</summary>
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    /// <summary>The GNU property note, when present.</summary>
    public ElfGnuProperties? GnuProperties { get; }

    /// <summary>NT_GNU_BUILD_ID as lower-case hex, when present.</summary>
    public string? BuildId { get; }

    /// <summary>Faults found in parts after the header (capped at <see cref="MaxProblems"/>).</summary>
    public IReadOnlyList<ElfProblem> Problems { get; }

    /// <summary>Problems kept at most; further ones are counted in one last entry.</summary>
    public const int MaxProblems = 64;

    /// <summary>True when the file has a dynamic section (a dynamically linked program, a shared library, a static PIE).</summary>
    public bool IsDynamic => Dynamic is not null;

    /// <summary>True when a .symtab section is present (the file is not stripped).</summary>
    public bool HasSymbolTable => Sections.Any(s => s.Type == ElfSectionType.SymTab);

    /// <summary>p_flags of PT_GNU_STACK; null when the file has no such header (the stack is then executable on most ABIs).</summary>
    public ElfSegmentFlags? StackFlags => Segment(ElfSegmentType.GnuStack)?.Flags;

    /// <summary>True when a PT_GNU_RELRO segment is present.</summary>
    public bool HasRelro => Segment(ElfSegmentType.GnuRelro) is not null;

    /// <summary>"\x7fELF" at the start (gABI e_ident[EI_MAG0..3]).</summary>
    public static bool IsElf(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F';

    /// <summary>Reads an ELF file held in memory.</summary>
    /// <exception cref="ElfFormatException">No ELF magic, an unknown class or byte order, or a truncated file header.</exception>
    public static ElfFile Parse(ReadOnlyMemory<byte> bytes, ElfReadOptions? options = null) =>
        new ElfParser(ElfInput.From(bytes), options ?? ElfReadOptions.Default).Parse();

    /// <summary>Reads an ELF file from a byte source, range by range (only the tables it needs are read).</summary>
    /// <exception cref="ElfFormatException">No ELF magic, an unknown class or byte order, or a truncated file header.</exception>
    public static ElfFile Read(IByteSource source, ElfReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ElfParser(ElfInput.From(source), options ?? ElfReadOptions.Default).Parse();
    }

    /// <summary>The first program header of this type.</summary>
    public ElfProgramHeader? Segment(ElfSegmentType type)
    {
        foreach (var p in ProgramHeaders)
        {
            if (p.Type == type)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>The first section with this name.</summary>
    public ElfSection? Section(string name) => Sections.FirstOrDefault(s => s.Name == name);
}
