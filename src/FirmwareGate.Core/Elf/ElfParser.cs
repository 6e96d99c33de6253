using System.Buffers.Binary;
using System.Text;

namespace FirmwareGate.Core.Elf;

/// <summary>One parse of one ELF file. Offsets and sizes are kept as ulong and checked with <see cref="Fits"/> before any read.</summary>
internal sealed class ElfParser(ElfInput input, ElfReadOptions options)
{
    // e_ident (gABI 4.1, "ELF Identification").
    private const int EiClass = 4;
    private const int EiData = 5;
    private const int EiOsAbi = 7;
    private const int IdentSize = 16;

    // Sizes of the fixed records, per class.
    private const int Header32 = 52;
    private const int Header64 = 64;
    private const int Phdr32 = 32;
    private const int Phdr64 = 56;
    private const int Shdr32 = 40;
    private const int Shdr64 = 64;
    private const int Sym32 = 16;
    private const int Sym64 = 24;

    private const ushort PnXNum = 0xffff; // e_phnum: the real count is in section 0's sh_info
    private const ushort ShnXIndex = 0xffff; // e_shstrndx: the real index is in section 0's sh_link

    // Notes: "GNU\0" owner; NT_GNU_BUILD_ID = 3, NT_GNU_PROPERTY_TYPE_0 = 5.
    private const uint NtGnuBuildId = 3;
    private const uint NtGnuPropertyType0 = 5;
    private const int MaxBuildIdBytes = 64;

    private readonly List<ElfProblem> _problems = [];
    private int _droppedProblems;
    private bool _is64;
    private bool _bigEndian;
    private List<ElfProgramHeader> _segments = [];

    private int WordSize => _is64 ? 8 : 4;

    public ElfFile Parse()
    {
        long length = input.Length;
        int identLength = (int)Math.Min(length, IdentSize);
        var ident = input.Read(0, identLength);
        if (!ElfFile.IsElf(ident))
        {
            throw new ElfFormatException(0, "not an ELF file (no \\x7fELF magic)");
        }

        if (ident.Length < IdentSize)
        {
            throw new ElfFormatException(0, $"truncated: e_ident needs {IdentSize} bytes, {ident.Length} available");
        }

        _is64 = ident[EiClass] switch
        {
            1 => false,
            2 => true,
            var c => throw new ElfFormatException(EiClass, $"unknown class {c} (EI_CLASS must be 1 or 2)"),
        };
        _bigEndian = ident[EiData] switch
        {
            1 => false,
            2 => true,
            var d => throw new ElfFormatException(EiData, $"unknown byte order {d} (EI_DATA must be 1 or 2)"),
        };
        byte osAbi = ident[EiOsAbi];

        int headerSize = _is64 ? Header64 : Header32;
        if (length < headerSize)
        {
            throw new ElfFormatException(0, $"truncated: the ELF{(_is64 ? 64 : 32)} header needs {headerSize} bytes, {length} available");
        }

        var h = input.Read(0, headerSize);
        var type = (ElfType)U16(h, 16);
        ushort machine = U16(h, 18);
        ulong entry = Word(h, 24);
        ulong phoff = Word(h, _is64 ? 32 : 28);
        ulong shoff = Word(h, _is64 ? 40 : 32);
        uint flags = U32(h, _is64 ? 48 : 36);
        int at = _is64 ? 54 : 42;
        int phentsize = U16(h, at);
        int phnum = U16(h, at + 2);
        int shentsize = U16(h, at + 4);
        int shnum = U16(h, at + 6);
        int shstrndx = U16(h, at + 8);
        var header = new ElfHeader(_is64, _bigEndian, osAbi, type, machine, entry, flags);

        // Extended numbering (gABI "Section Header", index 0): counts that do not fit 16 bits live in section 0.
        if (shoff != 0 && (shnum == 0 || phnum == PnXNum || shstrndx == ShnXIndex) && shentsize >= ShdrSize && Fits(shoff, (ulong)ShdrSize))
        {
            var zero = ReadSectionHeader(input.Read((long)shoff, ShdrSize), "");
            if (shnum == 0)
            {
                shnum = (int)Math.Min(zero.Size, int.MaxValue);
            }

            if (phnum == PnXNum)
            {
                phnum = (int)zero.Info;
            }

            if (shstrndx == ShnXIndex)
            {
                shstrndx = (int)zero.Link;
            }
        }

        _segments = ReadProgramHeaders(phoff, phentsize, phnum);
        var sections = ReadSections(shoff, shentsize, shnum, shstrndx);
        string? interpreter = ReadInterpreter();
        var (dynamic, dynStrOffset, dynStrSize) = ReadDynamic(sections);
        var dynamicSymbols = options.DynamicSymbols ? ReadDynamicSymbols(sections, dynamic, dynStrOffset, dynStrSize) : [];
        var symbols = options.SymbolTable ? ReadSymbolTable(sections) : [];
        var (properties, buildId) = ReadNotes(sections);

        if (_droppedProblems > 0)
        {
            _problems.Add(new ElfProblem(0, $"{_droppedProblems} further problems not listed"));
        }

        return new ElfFile(header, _segments, sections, interpreter, dynamic, dynamicSymbols, symbols, properties, buildId, _problems);
    }

    private int ShdrSize => _is64 ? Shdr64 : Shdr32;

    private List<ElfProgramHeader> ReadProgramHeaders(ulong phoff, int entsize, int count)
    {
        var list = new List<ElfProgramHeader>();
        if (count == 0)
        {
            return list;
        }

        int minimum = _is64 ? Phdr64 : Phdr32;
        if (entsize < minimum)
        {
            Problem(_is64 ? 54 : 42, $"e_phentsize {entsize} is smaller than a program header ({minimum} bytes); program headers not read");
            return list;
        }

        count = Cap(count, options.MaxProgramHeaders, (long)Math.Min(phoff, long.MaxValue), "program headers");
        int fit = FitCount(phoff, (ulong)entsize, count);
        if (fit < count)
        {
            Problem(phoff, $"program header table ({count} entries of {entsize} bytes) runs past the end of the file; {fit} read");
        }

        for (int i = 0; i < fit; i++)
        {
            var p = input.Read((long)phoff + ((long)i * entsize), minimum);
            list.Add(_is64
                ? new ElfProgramHeader((ElfSegmentType)U32(p, 0), (ElfSegmentFlags)U32(p, 4), U64(p, 8), U64(p, 16), U64(p, 32), U64(p, 40), U64(p, 48))
                : new ElfProgramHeader((ElfSegmentType)U32(p, 0), (ElfSegmentFlags)U32(p, 24), U32(p, 4), U32(p, 8), U32(p, 16), U32(p, 20), U32(p, 28)));
            if (list[^1] is { Type: ElfSegmentType.Load } load && !Fits(load.Offset, load.FileSize))
            {
                Problem(load.Offset, $"PT_LOAD segment ({load.FileSize} bytes) runs past the end of the file ({input.Length} bytes): truncated");
            }
        }

        return list;
    }

    private List<ElfSection> ReadSections(ulong shoff, int entsize, int count, int shstrndx)
    {
        var raw = new List<ElfSection>();
        if (shoff == 0 || count == 0)
        {
            return raw;
        }

        if (entsize < ShdrSize)
        {
            Problem(_is64 ? 58 : 46, $"e_shentsize {entsize} is smaller than a section header ({ShdrSize} bytes); sections not read");
            return raw;
        }

        count = Cap(count, options.MaxSections, (long)Math.Min(shoff, long.MaxValue), "section headers");
        int fit = FitCount(shoff, (ulong)entsize, count);
        if (fit < count)
        {
            Problem(shoff, $"section header table ({count} entries of {entsize} bytes) runs past the end of the file; {fit} read");
        }

        var nameOffsets = new uint[fit];
        for (int i = 0; i < fit; i++)
        {
            var s = input.Read((long)shoff + ((long)i * entsize), ShdrSize);
            nameOffsets[i] = U32(s, 0);
            raw.Add(ReadSectionHeader(s, ""));
        }

        if (fit == 0)
        {
            return raw;
        }

        // Names come from the section named by e_shstrndx; without a usable one the sections stay nameless.
        if (shstrndx <= 0 || shstrndx >= raw.Count)
        {
            Problem(_is64 ? 62 : 50, $"e_shstrndx {shstrndx} is not a section index (0..{raw.Count - 1}); section names not read");
            return raw;
        }

        var names = raw[shstrndx];
        if (!TableInFile(names.Offset, names.Size, "section name table"))
        {
            return raw;
        }

        var named = new List<ElfSection>(raw.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            string name = i == 0 && nameOffsets[i] == 0 ? "" : String(names.Offset, names.Size, nameOffsets[i], "section name") ?? "";
            named.Add(raw[i] with { Name = name });
        }

        return named;
    }

    private ElfSection ReadSectionHeader(ReadOnlySpan<byte> s, string name) => _is64
        ? new ElfSection(name, (ElfSectionType)U32(s, 4), U64(s, 8), U64(s, 16), U64(s, 24), U64(s, 32), U32(s, 40), U32(s, 44), U64(s, 56))
        : new ElfSection(name, (ElfSectionType)U32(s, 4), U32(s, 8), U32(s, 12), U32(s, 16), U32(s, 20), U32(s, 24), U32(s, 28), U32(s, 36));

    private string? ReadInterpreter()
    {
        foreach (var p in _segments)
        {
            if (p.Type == ElfSegmentType.Interp)
            {
                return TableInFile(p.Offset, p.FileSize, "PT_INTERP") ? String(p.Offset, p.FileSize, 0, "interpreter") : null;
            }
        }

        return null;
    }

    private (ElfDynamic? Dynamic, ulong StrOffset, ulong StrSize) ReadDynamic(List<ElfSection> sections)
    {
        // PT_DYNAMIC first: it survives stripping of the section headers. The SHT_DYNAMIC section is the fallback.
        ulong offset = 0, size = 0;
        bool found = false;
        ElfSection? dynSection = sections.FirstOrDefault(s => s.Type == ElfSectionType.Dynamic);
        foreach (var p in _segments)
        {
            if (p.Type == ElfSegmentType.Dynamic)
            {
                found = TableInFile(p.Offset, p.FileSize, "PT_DYNAMIC");
                (offset, size) = (p.Offset, p.FileSize);
                break;
            }
        }

        if (!found && dynSection is not null && TableInFile(dynSection.Offset, dynSection.Size, "dynamic section"))
        {
            (offset, size, found) = (dynSection.Offset, dynSection.Size, true);
        }

        if (!found)
        {
            return (null, 0, 0);
        }

        int entsize = _is64 ? 16 : 8;
        long available = (long)(size / (ulong)entsize);
        int count = Cap((int)Math.Min(available, int.MaxValue), options.MaxDynamicEntries, (long)offset, "dynamic entries");
        var entries = new List<ElfDynamicEntry>();
        bool terminated = false;
        for (int i = 0; i < count; i++)
        {
            var d = input.Read((long)offset + ((long)i * entsize), entsize);
            long tag = _is64 ? (long)U64(d, 0) : (int)U32(d, 0);
            ulong value = Word(d, WordSize);
            if (tag == (long)ElfDynamicTag.Null)
            {
                terminated = true;
                break;
            }

            entries.Add(new ElfDynamicEntry((ElfDynamicTag)tag, value));
        }

        if (!terminated)
        {
            Problem(offset, $"dynamic section has no DT_NULL terminator ({entries.Count} entries read)");
        }

        var (strOffset, strSize) = DynamicStringTable(entries, sections, dynSection);
        var needed = new List<string>();
        string? soname = null, rpath = null, runpath = null;
        if (strSize > 0)
        {
            foreach (var e in entries)
            {
                switch (e.Tag)
                {
                    case ElfDynamicTag.Needed:
                        if (String(strOffset, strSize, e.Value, "DT_NEEDED") is { } name)
                        {
                            needed.Add(name);
                        }

                        break;
                    case ElfDynamicTag.Soname:
                        soname ??= String(strOffset, strSize, e.Value, "DT_SONAME");
                        break;
                    case ElfDynamicTag.RPath:
                        rpath ??= String(strOffset, strSize, e.Value, "DT_RPATH");
                        break;
                    case ElfDynamicTag.RunPath:
                        runpath ??= String(strOffset, strSize, e.Value, "DT_RUNPATH");
                        break;
                }
            }
        }
        else if (entries.Any(e => e.Tag is ElfDynamicTag.Needed or ElfDynamicTag.Soname or ElfDynamicTag.RPath or ElfDynamicTag.RunPath))
        {
            Problem(offset, "no readable dynamic string table (DT_STRTAB/DT_STRSZ or .dynstr); library names not read");
        }

        return (new ElfDynamic(entries, needed, soname, rpath, runpath), strOffset, strSize);
    }

    private (ulong Offset, ulong Size) DynamicStringTable(List<ElfDynamicEntry> entries, List<ElfSection> sections, ElfSection? dynSection)
    {
        ulong? strtab = Find(entries, ElfDynamicTag.StrTab);
        ulong? strsz = Find(entries, ElfDynamicTag.StrSz);
        if (strtab is { } address && strsz is { } size && size > 0 && MapAddress(address) is { } mapped)
        {
            ulong clipped = Math.Min(size, mapped.Available);
            if (clipped < size)
            {
                Problem(mapped.Offset, $"DT_STRSZ {size} runs past its segment or the file; {clipped} bytes used");
            }

            return (mapped.Offset, clipped);
        }

        // Section fallback: the dynamic section's sh_link, else .dynstr.
        ElfSection? table = null;
        if (dynSection is not null && dynSection.Link > 0 && dynSection.Link < sections.Count)
        {
            table = sections[(int)dynSection.Link];
        }

        table ??= sections.FirstOrDefault(s => s.Name == ".dynstr");
        if (table is not null && table.Type == ElfSectionType.StrTab && TableInFile(table.Offset, table.Size, "dynamic string table"))
        {
            return (table.Offset, table.Size);
        }

        return (0, 0);
    }

    private List<ElfSymbol> ReadDynamicSymbols(List<ElfSection> sections, ElfDynamic? dynamic, ulong strOffset, ulong strSize)
    {
        var section = sections.FirstOrDefault(s => s.Type == ElfSectionType.DynSym);
        if (section is not null)
        {
            return ReadSymbolSection(sections, section, ".dynsym");
        }

        // No section headers: DT_SYMTAB, counted by DT_HASH, DT_GNU_HASH or DT_MIPS_SYMTABNO.
        if (dynamic is null || strSize == 0 || dynamic.Find(ElfDynamicTag.SymTab) is not { } symtab || MapAddress(symtab) is not { } mapped)
        {
            return [];
        }

        int? count = SymbolCount(dynamic);
        if (count is null)
        {
            Problem(mapped.Offset, "dynamic symbol count unknown (no DT_HASH, DT_GNU_HASH or DT_MIPS_SYMTABNO); symbols not read");
            return [];
        }

        ulong bytes = (ulong)count.Value * (ulong)SymSize;
        if (bytes > mapped.Available)
        {
            Problem(mapped.Offset, $"{count} dynamic symbols run past their segment or the file");
            count = (int)(mapped.Available / (ulong)SymSize);
        }

        return ReadSymbols(mapped.Offset, count.Value, strOffset, strSize);
    }

    private int? SymbolCount(ElfDynamic dynamic)
    {
        if (dynamic.Find(ElfDynamicTag.MipsSymTabNo) is { } mips)
        {
            return Cap((int)Math.Min(mips, int.MaxValue), options.MaxSymbols, 0, "dynamic symbols");
        }

        if (dynamic.Find(ElfDynamicTag.Hash) is { } hash && MapAddress(hash) is { } h && h.Available >= 8)
        {
            // SysV hash: nbucket, nchain; nchain equals the number of symbols.
            uint nchain = U32(input.Read((long)h.Offset, 8), 4);
            return Cap((int)Math.Min(nchain, int.MaxValue), options.MaxSymbols, (long)h.Offset, "dynamic symbols");
        }

        if (dynamic.Find(ElfDynamicTag.GnuHash) is { } gnuHash && MapAddress(gnuHash) is { } g)
        {
            // A GNU hash with no hashed symbol (an executable exporting nothing) does not count the imports before
            // symoffset; then the table ends where the next dynamic table starts, as ld lays them out.
            return GnuHashSymbolCount(g.Offset, g.Available) ?? SymbolCountFromLayout(dynamic);
        }

        return null;
    }

    private int? SymbolCountFromLayout(ElfDynamic dynamic)
    {
        // DT_STRTAB, DT_HASH, DT_GNU_HASH, DT_RELA, DT_REL, DT_JMPREL, DT_VERSYM, DT_VERDEF, DT_VERNEED.
        ReadOnlySpan<long> tables = [5, 4, 0x6ffffef5, 7, 17, 23, 0x6ffffff0, 0x6ffffffc, 0x6ffffffe];
        if (dynamic.Find(ElfDynamicTag.SymTab) is not { } symtab)
        {
            return null;
        }

        ulong end = ulong.MaxValue;
        foreach (var e in dynamic.Entries)
        {
            if (tables.Contains((long)e.Tag) && e.Value > symtab)
            {
                end = Math.Min(end, e.Value);
            }
        }

        return end == ulong.MaxValue ? null : Cap((int)Math.Min((end - symtab) / (ulong)SymSize, int.MaxValue), options.MaxSymbols, 0, "dynamic symbols");
    }

    // GNU hash (no formal spec; binutils/glibc layout): nbuckets, symoffset, bloom_size, bloom_shift, bloom words,
    // buckets, then a chain per symbol from symoffset whose last entry of each bucket has bit 0 set.
    private int? GnuHashSymbolCount(ulong offset, ulong available)
    {
        if (available < 16)
        {
            Problem(offset, "DT_GNU_HASH table is truncated");
            return null;
        }

        var head = input.Read((long)offset, 16);
        ulong nbuckets = U32(head, 0), symoffset = U32(head, 4), bloomWords = U32(head, 8);
        ulong bucketsAt = 16 + (bloomWords * (ulong)WordSize);
        ulong chainsAt = bucketsAt + (nbuckets * 4);
        if (chainsAt > available || nbuckets > (ulong)options.MaxSymbols)
        {
            Problem(offset, $"DT_GNU_HASH table ({nbuckets} buckets, {bloomWords} bloom words) does not fit its segment");
            return null;
        }

        uint last = 0;
        var buckets = input.Read((long)(offset + bucketsAt), (int)(nbuckets * 4));
        for (int i = 0; i + 4 <= buckets.Length; i += 4)
        {
            last = Math.Max(last, U32(buckets, i));
        }

        if (last < symoffset)
        {
            return null;
        }

        // Walk the last bucket's chain to its end; bounded by the cap and by the table's bytes.
        ulong index = last;
        while (true)
        {
            if (index >= (ulong)options.MaxSymbols)
            {
                Problem(offset, $"DT_GNU_HASH chain runs past {options.MaxSymbols} symbols; cut");
                return options.MaxSymbols;
            }

            ulong at = chainsAt + ((index - symoffset) * 4);
            if (at + 4 > available)
            {
                Problem(offset, "DT_GNU_HASH chain runs past its segment");
                return (int)index;
            }

            uint value = U32(input.Read((long)(offset + at), 4), 0);
            index++;
            if ((value & 1) != 0)
            {
                return (int)index;
            }
        }
    }

    private List<ElfSymbol> ReadSymbolTable(List<ElfSection> sections)
    {
        var section = sections.FirstOrDefault(s => s.Type == ElfSectionType.SymTab);
        return section is null ? [] : ReadSymbolSection(sections, section, ".symtab");
    }

    private List<ElfSymbol> ReadSymbolSection(List<ElfSection> sections, ElfSection section, string what)
    {
        if (!TableInFile(section.Offset, section.Size, what))
        {
            return [];
        }

        ulong strOffset = 0, strSize = 0;
        if (section.Link > 0 && section.Link < sections.Count && sections[(int)section.Link] is var strings
            && TableInFile(strings.Offset, strings.Size, what + " string table"))
        {
            (strOffset, strSize) = (strings.Offset, strings.Size);
        }
        else
        {
            Problem(section.Offset, $"{what} links to no readable string table (sh_link {section.Link}); names left empty");
        }

        int count = Cap((int)Math.Min(section.Size / (ulong)SymSize, int.MaxValue), options.MaxSymbols, (long)section.Offset, what);
        return ReadSymbols(section.Offset, count, strOffset, strSize);
    }

    private int SymSize => _is64 ? Sym64 : Sym32;

    private List<ElfSymbol> ReadSymbols(ulong offset, int count, ulong strOffset, ulong strSize)
    {
        var list = new List<ElfSymbol>(Math.Min(count, 4096));
        for (int i = 0; i < count; i++)
        {
            var s = input.Read((long)offset + ((long)i * SymSize), SymSize);
            uint nameOffset = U32(s, 0);
            byte info = _is64 ? s[4] : s[12];
            ushort shndx = _is64 ? U16(s, 6) : U16(s, 14);
            ulong value = _is64 ? U64(s, 8) : U32(s, 4);
            ulong size = _is64 ? U64(s, 16) : U32(s, 8);
            string name = nameOffset == 0 || strSize == 0 ? "" : String(strOffset, strSize, nameOffset, "symbol name") ?? "";
            list.Add(new ElfSymbol(name, value, size, (ElfSymbolType)(info & 0xf), (ElfSymbolBinding)(info >> 4), shndx));
        }

        return list;
    }

    private (ElfGnuProperties? Properties, string? BuildId) ReadNotes(List<ElfSection> sections)
    {
        var areas = new List<(ulong Offset, ulong Size, ulong Align)>();
        foreach (var p in _segments)
        {
            if (p.Type == ElfSegmentType.Note)
            {
                areas.Add((p.Offset, p.FileSize, p.Align));
            }
        }

        if (areas.Count == 0)
        {
            foreach (var s in sections)
            {
                if (s.Type == ElfSectionType.Note)
                {
                    areas.Add((s.Offset, s.Size, 0));
                }
            }
        }

        uint? x86 = null, aarch64 = null;
        string? buildId = null;
        bool sawProperty = false;
        long budget = options.MaxNoteBytes;
        foreach (var (offset, size, align) in areas)
        {
            if (budget <= 0 || !TableInFile(offset, size, "note"))
            {
                continue;
            }

            int length = (int)Math.Min(size, (ulong)budget);
            budget -= length;
            var notes = input.Read((long)offset, length);
            int a = align == 8 ? 8 : 4;
            int pos = 0;
            while (pos + 12 <= notes.Length)
            {
                uint namesz = U32(notes, pos), descsz = U32(notes, pos + 4), type = U32(notes, pos + 8);
                long descAt = AlignUp(pos + 12L + namesz, a);
                long next = AlignUp(descAt + descsz, a);
                if (namesz > (uint)notes.Length || descsz > (uint)notes.Length || descAt + descsz > notes.Length)
                {
                    Problem(offset + (ulong)pos, $"note (namesz {namesz}, descsz {descsz}) runs past its area");
                    break;
                }

                var name = notes.Slice(pos + 12, (int)namesz);
                var desc = notes.Slice((int)descAt, (int)descsz);
                if (name.SequenceEqual("GNU\0"u8))
                {
                    if (type == NtGnuBuildId && buildId is null && descsz > 0)
                    {
                        buildId = Convert.ToHexStringLower(desc[..Math.Min(desc.Length, MaxBuildIdBytes)]);
                    }
                    else if (type == NtGnuPropertyType0)
                    {
                        sawProperty = true;
                        ReadProperties(desc, offset + (ulong)descAt, ref x86, ref aarch64);
                    }
                }

                pos = (int)Math.Min(next, notes.Length);
            }
        }

        return (sawProperty ? new ElfGnuProperties(x86, aarch64) : null, buildId);
    }

    // NT_GNU_PROPERTY_TYPE_0 (x86-64 psABI, "Program Property"): pr_type, pr_datasz, data padded to the word size.
    private void ReadProperties(ReadOnlySpan<byte> desc, ulong offset, ref uint? x86, ref uint? aarch64)
    {
        int pos = 0;
        while (pos + 8 <= desc.Length)
        {
            uint type = U32(desc, pos), datasz = U32(desc, pos + 4);
            if (datasz > (uint)(desc.Length - pos - 8))
            {
                Problem(offset + (ulong)pos, $"GNU property 0x{type:x} (pr_datasz {datasz}) runs past its note");
                return;
            }

            if (datasz == 4 && type == ElfGnuProperties.X86Feature1And)
            {
                x86 = U32(desc, pos + 8);
            }
            else if (datasz == 4 && type == ElfGnuProperties.Aarch64Feature1And)
            {
                aarch64 = U32(desc, pos + 8);
            }

            pos = (int)Math.Min(AlignUp(pos + 8L + datasz, WordSize), desc.Length);
        }
    }

    /// <summary>Maps a virtual address to a file offset through the PT_LOAD segments; Available is the bytes up to the segment's end.</summary>
    private (ulong Offset, ulong Available)? MapAddress(ulong address)
    {
        foreach (var p in _segments)
        {
            if (p.Type == ElfSegmentType.Load && address >= p.VirtualAddress && address - p.VirtualAddress < p.FileSize)
            {
                ulong delta = address - p.VirtualAddress;
                if (!Fits(p.Offset, delta))
                {
                    continue;
                }

                ulong offset = p.Offset + delta;
                ulong available = Math.Min(p.FileSize - delta, (ulong)input.Length - offset);
                return (offset, available);
            }
        }

        return null;
    }

    /// <summary>A NUL-terminated string at <paramref name="index"/> of the table; null (and a problem) when out of range.</summary>
    private string? String(ulong tableOffset, ulong tableSize, ulong index, string what)
    {
        if (index >= tableSize)
        {
            Problem(tableOffset, $"{what} offset {index} is outside its string table ({tableSize} bytes)");
            return null;
        }

        int window = (int)Math.Min(tableSize - index, (ulong)options.MaxStringLength + 1);
        var bytes = input.Read((long)(tableOffset + index), window);
        int end = bytes.IndexOf((byte)0);
        if (end < 0)
        {
            end = Math.Min(bytes.Length, options.MaxStringLength);
            Problem(tableOffset + index, $"{what} is not terminated within {end} bytes; cut");
        }

        return Encoding.UTF8.GetString(bytes[..end]);
    }

    private bool TableInFile(ulong offset, ulong size, string what)
    {
        if (Fits(offset, size))
        {
            return true;
        }

        Problem(offset, $"{what} at 0x{offset:x} ({size} bytes) runs past the end of the file ({input.Length} bytes)");
        return false;
    }

    private bool Fits(ulong offset, ulong size) => offset <= (ulong)input.Length && size <= (ulong)input.Length - offset;

    private int FitCount(ulong offset, ulong entsize, int count)
    {
        if (offset > (ulong)input.Length)
        {
            return 0;
        }

        return (int)Math.Min((ulong)count, ((ulong)input.Length - offset) / entsize);
    }

    private int Cap(int count, int max, long offset, string what)
    {
        if (count <= max)
        {
            return count;
        }

        Problem((ulong)Math.Max(0, offset), $"{count} {what} is over the limit of {max}; the first {max} read");
        return max;
    }

    private void Problem(ulong offset, string message) => Problem((long)Math.Min(offset, long.MaxValue), message);

    private void Problem(long offset, string message)
    {
        if (_problems.Count < ElfFile.MaxProblems - 1)
        {
            _problems.Add(new ElfProblem(offset, message));
        }
        else
        {
            _droppedProblems++;
        }
    }

    private static ulong? Find(List<ElfDynamicEntry> entries, ElfDynamicTag tag)
    {
        foreach (var e in entries)
        {
            if (e.Tag == tag)
            {
                return e.Value;
            }
        }

        return null;
    }

    private static long AlignUp(long value, int align) => (value + align - 1) & ~(long)(align - 1);

    private ushort U16(ReadOnlySpan<byte> s, int at) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);

    private uint U32(ReadOnlySpan<byte> s, int at) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);

    private ulong U64(ReadOnlySpan<byte> s, int at) =>
        _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s[at..]) : BinaryPrimitives.ReadUInt64LittleEndian(s[at..]);

    private ulong Word(ReadOnlySpan<byte> s, int at) => _is64 ? U64(s, at) : U32(s, at);
}
