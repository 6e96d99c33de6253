using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Elf;

namespace FirmwareGate.Core.Checks.Hardening;

/// <summary>
/// Reads the hardening of every ELF executable and shared object (ET_EXEC, ET_DYN) from the ELF file the walk parsed
/// once (<see cref="AnalyzedFile.Elf"/>), and reports it as a <see cref="BinaryHardening"/>. Findings are kept to what a
/// reviewer must look at: a network service that also uses system/popen or unbounded string functions, a library search
/// path an attacker can write to, a shipped core dump, and a malformed ELF file. Relocatable objects (kernel modules)
/// are not binaries[] items: their hardening is the kernel's configuration.
/// </summary>
public sealed class HardeningAnalyzer : IFileAnalyzer
{
    /// <summary>A binary that accepts connections and uses system/popen or unbounded string functions.</summary>
    public const string NetworkUnsafeCalls = "elf.network-unsafe-calls";

    /// <summary>A file with ELF magic whose header cannot be read, or whose tables are damaged.</summary>
    public const string Malformed = "elf.malformed";

    /// <summary>DT_RPATH or DT_RUNPATH with a relative, empty or world-writable directory.</summary>
    public const string UnsafeSearchPath = "elf.unsafe-search-path";

    /// <summary>A core dump (ET_CORE) shipped in the image: process memory, possibly with secrets.</summary>
    public const string CoreDump = "elf.core-dump";

    /// <inheritdoc/>
    public string Name => "hardening";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) => target.IsFile && ElfFile.IsElf(head);

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        if (file.Elf is not { } elf)
        {
            if (file.ElfError is { } error)
            {
                sink.Add(Finding.Of(target, Malformed, Severity.Info, "Malformed ELF file: its header cannot be read, so its hardening is unknown", error.Message));
            }

            return;
        }

        if (elf.Problems.Count > 0)
        {
            string first = elf.Problems[0].ToString();
            sink.Add(Finding.Of(target, Malformed, Severity.Info,
                $"Malformed ELF file: {elf.Problems.Count} damaged part(s); properties were read from what remains", first));
        }

        switch (elf.Header.Type)
        {
            case ElfType.Executable or ElfType.SharedObject:
                break;
            case ElfType.Core:
                sink.Add(Finding.Of(target, CoreDump, Severity.Medium,
                    "A core dump is shipped in the image: process memory, which may hold keys and passwords", "e_type ET_CORE"));
                return;
            default:
                return;
        }

        var binary = Build(target.Path, target.Location, elf);
        sink.Add(binary);
        foreach (var finding in FindingsFor(target, binary))
        {
            sink.Add(finding);
        }
    }

    /// <summary>The hardening of one parsed ELF executable or shared object.</summary>
    public static BinaryHardening Build(string path, string location, ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        var symbols = SymbolFacts.From(elf);
        return new BinaryHardening
        {
            Path = path,
            Location = location,
            Arch = elf.Header.MachineName,
            Bits = elf.Header.Is64Bit ? 64 : 32,
            Endian = elf.Header.IsBigEndian ? "big" : "little",
            Type = elf.Header.Type == ElfType.Executable ? "exec" : "dyn",
            Nx = HardeningRules.Nx(elf),
            Pie = HardeningRules.Pie(elf),
            Relro = HardeningRules.Relro(elf),
            Canary = symbols.Canary,
            Fortify = symbols.Fortify,
            Stripped = HardeningRules.Stripped(elf),
            RPath = HardeningRules.RPath(elf),
            RunPath = HardeningRules.RunPath(elf),
            Cet = HardeningRules.Cet(elf),
            Imports = symbols.Imports,
            ImportCounts = symbols.ImportCounts,
            ListensOnNetwork = symbols.ListensOnNetwork,
        };
    }

    /// <summary>The findings about one binary (see docs/hardening.md).</summary>
    public static IEnumerable<Finding> FindingsFor(AnalysisTarget target, BinaryHardening binary)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(binary);
        // A library that can listen (libcrypto's BIO_listen) is judged in the program that calls it.
        if (binary.ListensOnNetwork && binary.Pie.Value != "dso")
        {
            var dangerous = binary.Imports.Where(FlaggedFunctions.IsDangerousNextToNetwork).ToList();
            if (dangerous.Count > 0)
            {
                var network = binary.Imports.Where(n => FlaggedFunctions.Categories[n] == FlaggedFunctions.Network);
                yield return Finding.Of(target, NetworkUnsafeCalls, Severity.Medium,
                    $"Network service uses {string.Join(", ", dangerous)}: review its input handling for overflows and command injection",
                    $"uses {string.Join(", ", network)}; {string.Join(", ", dangerous)}");
            }
        }

        foreach (var (tag, value) in new[] { ("DT_RPATH", binary.RPath.Value), ("DT_RUNPATH", binary.RunPath.Value) })
        {
            if (value is not null && UnsafeSearchEntry(value) is { } entry)
            {
                yield return Finding.Of(target, UnsafeSearchPath, Severity.Medium,
                    $"{tag} searches {(entry.Length == 0 ? "the current directory (empty entry)" : entry)} for libraries: whoever can write there runs code in this program",
                    $"{tag} {value}", key: tag);
            }
        }
    }

    /// <summary>
    /// The first library search path entry an attacker may control: empty (the current directory), relative to the
    /// working directory, or under a world-writable directory. <c>$ORIGIN</c> entries are relative to the binary and fine.
    /// </summary>
    public static string? UnsafeSearchEntry(string searchPath)
    {
        ArgumentNullException.ThrowIfNull(searchPath);
        foreach (var entry in searchPath.Split(':'))
        {
            if (entry.Length == 0 || (entry[0] != '/' && !entry.StartsWith("$ORIGIN", StringComparison.Ordinal) && !entry.StartsWith("${ORIGIN}", StringComparison.Ordinal)))
            {
                return entry;
            }

            foreach (var writable in (ReadOnlySpan<string>)["/tmp", "/var/tmp", "/dev/shm"])
            {
                if (entry == writable || entry.StartsWith(writable + "/", StringComparison.Ordinal))
                {
                    return entry;
                }
            }
        }

        return null;
    }
}
