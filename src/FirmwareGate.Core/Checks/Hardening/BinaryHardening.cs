namespace FirmwareGate.Core.Checks.Hardening;

/// <summary>The hardening properties of one ELF executable or shared object, each with the evidence that decided it.</summary>
public sealed record BinaryHardening : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <inheritdoc/>
    public string SortKey => "";

    /// <summary>Machine name ("arm", "aarch64", "mips", "x86-64").</summary>
    public required string Arch { get; init; }

    /// <summary>32 or 64 (ELF class).</summary>
    public required int Bits { get; init; }

    /// <summary>"little" or "big".</summary>
    public required string Endian { get; init; }

    /// <summary>"exec" (ET_EXEC) or "dyn" (ET_DYN).</summary>
    public required string Type { get; init; }

    /// <summary>Non-executable stack: true, false, with the PT_GNU_STACK flags or the architecture's rule.</summary>
    public required Decided<bool?> Nx { get; init; }

    /// <summary>"yes" (position-independent executable), "no" (fixed address) or "dso" (a shared library).</summary>
    public required Decided<string> Pie { get; init; }

    /// <summary>"none", "partial" or "full".</summary>
    public required Decided<string> Relro { get; init; }

    /// <summary>Stack protector: true, false, or null when the file has no symbol table to decide from.</summary>
    public required Decided<bool?> Canary { get; init; }

    /// <summary>FORTIFY_SOURCE: the checked (<c>__*_chk</c>) functions used and the fortifiable ones used unchecked.</summary>
    public required FortifyInfo Fortify { get; init; }

    /// <summary>True when the file has no .symtab.</summary>
    public required Decided<bool> Stripped { get; init; }

    /// <summary>DT_RPATH, or null.</summary>
    public required Decided<string?> RPath { get; init; }

    /// <summary>DT_RUNPATH, or null.</summary>
    public required Decided<string?> RunPath { get; init; }

    /// <summary>x86 control-flow enforcement from the GNU property note; null for other architectures.</summary>
    public CetInfo? Cet { get; init; }

    /// <summary>Flagged functions the file imports (or, when statically linked, contains), sorted.</summary>
    public required IReadOnlyList<string> Imports { get; init; }

    /// <summary>Number of flagged functions per <see cref="FlaggedFunctions"/> category, only categories with any.</summary>
    public required IReadOnlyDictionary<string, int> ImportCounts { get; init; }

    /// <summary>True when the file can accept connections: it uses <c>bind</c> and <c>listen</c> or <c>accept</c>.</summary>
    public required bool ListensOnNetwork { get; init; }
}

/// <summary>A decided property and the evidence that decided it ("PT_GNU_STACK flags RW").</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Value">The value; null means unknown where the type allows it.</param>
/// <param name="Evidence">What decided it, one line.</param>
public sealed record Decided<T>(T Value, string Evidence);

/// <summary>FORTIFY_SOURCE as checksec counts it: checked functions used, and fortifiable functions used (checked or not).</summary>
/// <param name="Value">True when any <c>*_chk</c> function is used.</param>
/// <param name="Fortified">The <c>__*_chk</c> functions used, sorted.</param>
/// <param name="Unfortified">Fortifiable functions used without their checked form, sorted.</param>
/// <param name="FortifiedCount">Symbol entries naming a checked function (checksec's "fortified").</param>
/// <param name="FortifiableCount">Symbol entries naming a checked or a fortifiable function (checksec's "fortify-able").</param>
/// <param name="Evidence">What decided it.</param>
public sealed record FortifyInfo(bool Value, IReadOnlyList<string> Fortified, IReadOnlyList<string> Unfortified, int FortifiedCount, int FortifiableCount, string Evidence);

/// <summary>x86 CET from GNU_PROPERTY_X86_FEATURE_1_AND.</summary>
/// <param name="Ibt">Indirect branch tracking.</param>
/// <param name="Shstk">Shadow stack.</param>
/// <param name="Evidence">What decided it.</param>
public sealed record CetInfo(bool Ibt, bool Shstk, string Evidence);
