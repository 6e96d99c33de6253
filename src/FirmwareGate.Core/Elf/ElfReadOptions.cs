namespace FirmwareGate.Core.Elf;

/// <summary>What <see cref="ElfFile"/> reads, and the caps that bound it.</summary>
public sealed record ElfReadOptions
{
    /// <summary>Headers, sections, dynamic section, interpreter and notes; no symbols (what linking needs).</summary>
    public static ElfReadOptions Default { get; } = new();

    /// <summary>Everything, symbols included.</summary>
    public static ElfReadOptions WithSymbols { get; } = new() { DynamicSymbols = true, SymbolTable = true };

    /// <summary>Read .dynsym (imports and exports).</summary>
    public bool DynamicSymbols { get; init; }

    /// <summary>Read .symtab when present.</summary>
    public bool SymbolTable { get; init; }

    /// <summary>Program headers read at most.</summary>
    public int MaxProgramHeaders { get; init; } = 1024;

    /// <summary>Section headers read at most.</summary>
    public int MaxSections { get; init; } = 32768;

    /// <summary>Dynamic entries read at most.</summary>
    public int MaxDynamicEntries { get; init; } = 16384;

    /// <summary>Symbols read at most, per table.</summary>
    public int MaxSymbols { get; init; } = 250_000;

    /// <summary>Longest string (name, path) read; longer ones are cut and reported.</summary>
    public int MaxStringLength { get; init; } = 4096;

    /// <summary>Bytes of notes read at most.</summary>
    public int MaxNoteBytes { get; init; } = 1 << 16;
}
