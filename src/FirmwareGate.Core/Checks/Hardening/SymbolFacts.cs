using FirmwareGate.Core.Elf;

namespace FirmwareGate.Core.Checks.Hardening;

/// <summary>
/// What the symbol tables say about a file, gathered in one linear pass over .dynsym and .symtab (bounded by the
/// ELF reader's symbol cap): the stack protector symbols, the FORTIFY functions, and the flagged functions.
/// </summary>
public sealed class SymbolFacts
{
    // checksec greps `readelf -s` for these as substrings (so __stack_chk_fail_local counts too).
    private static readonly string[] CanaryMarkers = ["__stack_chk_fail", "__stack_chk_guard", "__intel_security_cookie"];

    private SymbolFacts(Decided<bool?> canary, FortifyInfo fortify, IReadOnlyList<string> imports, IReadOnlyDictionary<string, int> counts, bool listens, bool fromDefinitions)
    {
        Canary = canary;
        Fortify = fortify;
        Imports = imports;
        ImportCounts = counts;
        ListensOnNetwork = listens;
        FromDefinitions = fromDefinitions;
    }

    /// <summary>Stack protector.</summary>
    public Decided<bool?> Canary { get; }

    /// <summary>FORTIFY_SOURCE.</summary>
    public FortifyInfo Fortify { get; }

    /// <summary>Flagged functions, sorted.</summary>
    public IReadOnlyList<string> Imports { get; }

    /// <summary>Flagged functions per category.</summary>
    public IReadOnlyDictionary<string, int> ImportCounts { get; }

    /// <summary>bind and listen (or accept) are used.</summary>
    public bool ListensOnNetwork { get; }

    /// <summary>True when the flagged functions come from definitions in .symtab (a static file), not imports.</summary>
    public bool FromDefinitions { get; }

    /// <summary>Reads the symbol tables of <paramref name="elf"/> once.</summary>
    public static SymbolFacts From(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        var dynsym = elf.DynamicSymbols;
        var symtab = elf.Symbols;
        bool isStatic = elf.Dynamic is null;

        string? canaryName = null;
        bool canaryDefined = false;
        var flagged = new SortedSet<string>(StringComparer.Ordinal);
        ScanTable(dynsym, fromStatic: false, ref canaryName, ref canaryDefined, flagged);
        ScanTable(symtab, fromStatic: isStatic, ref canaryName, ref canaryDefined, flagged);

        int named = CountNamed(dynsym) + CountNamed(symtab);
        Decided<bool?> canary = canaryName is not null
            ? new(true, (canaryDefined ? "defines " : "imports ") + canaryName)
            : named == 0
                ? new(null, "no symbols in .dynsym or .symtab to decide from")
                : new(false, $"no __stack_chk_fail, __stack_chk_guard or __intel_security_cookie among {named} symbols");

        // checksec counts .dynsym; a static file has none, so its .symtab is read instead.
        var fortify = isStatic && dynsym.Count == 0 ? CountFortify(symtab, ".symtab", definedFunctionsOnly: true) : CountFortify(dynsym, ".dynsym", definedFunctionsOnly: false);

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in flagged)
        {
            string category = FlaggedFunctions.Categories[name];
            counts[category] = counts.GetValueOrDefault(category) + 1;
        }

        bool listens = flagged.Contains("bind") && (flagged.Contains("listen") || flagged.Contains("accept") || flagged.Contains("accept4"));
        return new SymbolFacts(canary, fortify, [.. flagged], counts, listens, isStatic);
    }

    private static void ScanTable(IReadOnlyList<ElfSymbol> table, bool fromStatic, ref string? canaryName, ref bool canaryDefined, SortedSet<string> flagged)
    {
        foreach (var s in table)
        {
            string name = s.Name;
            if (name.Length == 0)
            {
                continue;
            }

            // Every marker starts "__s" or "__i": one vectorised search rules out almost every name.
            if (canaryName is null && name.Length >= 16 && name.Contains("__", StringComparison.Ordinal))
            {
                foreach (var marker in CanaryMarkers)
                {
                    if (name.Contains(marker, StringComparison.Ordinal))
                    {
                        canaryName = name;
                        canaryDefined = s.IsDefined;
                        break;
                    }
                }
            }

            // A dynamic file's flagged functions are its imports (libc defines them all); a static file contains
            // the libc code it calls, so its definitions count.
            if ((!s.IsDefined || (fromStatic && s.Type is ElfSymbolType.Func or ElfSymbolType.GnuIfunc))
                && FlaggedFunctions.Categories.ContainsKey(name))
            {
                flagged.Add(name);
            }
        }
    }

    private static FortifyInfo CountFortify(IReadOnlyList<ElfSymbol> table, string tableName, bool definedFunctionsOnly)
    {
        int fortifiedCount = 0, plainCount = 0;
        bool anyChk = false;
        var fortified = new SortedSet<string>(StringComparer.Ordinal);
        var plain = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var s in table)
        {
            if (s.Name.Length == 0 || (definedFunctionsOnly && !(s.IsDefined && s.Type is ElfSymbolType.Func or ElfSymbolType.GnuIfunc)))
            {
                continue;
            }

            // checksec strips the leading underscores before comparing with glibc's list.
            var bare = s.Name.AsSpan().TrimStart('_');
            if (bare.EndsWith("_chk", StringComparison.Ordinal))
            {
                anyChk = true;
            }

            if (FortifiableFunctions.CheckedBySpan.Contains(bare))
            {
                fortifiedCount++;
                fortified.Add(s.Name);
            }
            else if (FortifiableFunctions.PlainBySpan.Contains(bare))
            {
                plainCount++;
                plain.Add(s.Name);
            }
        }

        if (definedFunctionsOnly)
        {
            // A static file holds the libc code its own code and libc's internals call: the plain functions linked in
            // do not tell what the program calls, so only the checked ones count (checksec counts none: no .dynsym).
            plainCount = 0;
            plain.Clear();
        }

        string evidence = anyChk
            ? $"{tableName}: {fortifiedCount} checked ({string.Join(", ", fortified.Take(8))}{(fortified.Count > 8 ? ", ..." : "")}) of {fortifiedCount + plainCount} fortifiable"
            : definedFunctionsOnly ? $"{tableName} (static): no *_chk function linked in" : $"{tableName}: no *_chk function; {plainCount} fortifiable functions used unchecked";
        return new FortifyInfo(anyChk, [.. fortified], [.. plain], fortifiedCount, fortifiedCount + plainCount, evidence);
    }

    private static int CountNamed(IReadOnlyList<ElfSymbol> table)
    {
        int n = 0;
        foreach (var s in table)
        {
            if (s.Name.Length > 0 && s.Type is not (ElfSymbolType.Section or ElfSymbolType.File))
            {
                n++;
            }
        }

        return n;
    }
}
