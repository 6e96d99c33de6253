using System.Globalization;
using FirmwareGate.Core.Elf;

namespace FirmwareGate.Core.Checks.Hardening;

/// <summary>
/// The per-property deciders: each reads the already parsed ELF file and returns the value with the evidence that
/// decided it. The rules follow what the Linux kernel and glibc's loader do, and agree with checksec 2.x except
/// where docs/hardening.md lists a difference.
/// </summary>
public static class HardeningRules
{
    /// <summary>
    /// NX: PT_GNU_STACK without PF_X means a non-executable stack. Without PT_GNU_STACK the kernel's
    /// elf_read_implies_exec() decides per architecture (<see cref="StackExecutableWithoutGnuStack"/>).
    /// </summary>
    public static Decided<bool?> Nx(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        if (elf.StackFlags is { } flags)
        {
            bool exec = (flags & ElfSegmentFlags.Execute) != 0;
            return new(!exec, $"PT_GNU_STACK flags {FlagString(flags)}");
        }

        bool implied = StackExecutableWithoutGnuStack(elf.Header);
        return new(!implied, implied
            ? $"no PT_GNU_STACK: the kernel maps the stack executable for {elf.Header.MachineName} ELF{(elf.Header.Is64Bit ? 64 : 32)}"
            : $"no PT_GNU_STACK: the kernel (5.8 and later) keeps the stack non-executable for {elf.Header.MachineName} ELF{(elf.Header.Is64Bit ? 64 : 32)}");
    }

    /// <summary>
    /// True when Linux maps the stack executable for a file without PT_GNU_STACK (EXSTACK_DEFAULT): x86-64, AArch64,
    /// 64-bit PowerPC and RISC-V do not (elf_read_implies_exec() is false for them since 5.8); 32-bit x86, ARM, 32-bit
    /// PowerPC, MIPS (on CPUs without RIXI, most router SoCs), LoongArch and everything else do (READ_IMPLIES_EXEC).
    /// </summary>
    public static bool StackExecutableWithoutGnuStack(ElfHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.Machine switch
        {
            ElfMachines.X86_64 => false,
            ElfMachines.Aarch64 => false,
            ElfMachines.PowerPC64 => false,
            ElfMachines.RiscV => false,
            _ => true,
        };
    }

    /// <summary>
    /// PIE: ET_EXEC is "no". ET_DYN is "yes" when DF_1_PIE is set or it has DT_DEBUG (only executables get one; what
    /// checksec tests), else "dso": a shared library, also one that has PT_INTERP so it can be run (libc.so.6).
    /// </summary>
    public static Decided<string> Pie(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        if (elf.Header.Type == ElfType.Executable)
        {
            return new("no", "ET_EXEC: loaded at a fixed address");
        }

        var dynamic = elf.Dynamic;
        if (dynamic?.Flags1 is { } f1 && (f1 & ElfDynamic.Flag1Pie) != 0)
        {
            return new("yes", "ET_DYN with DF_1_PIE");
        }

        if (dynamic is not null && dynamic.Has(ElfDynamicTag.Debug))
        {
            return new("yes", "ET_DYN with DT_DEBUG (an executable)");
        }

        if (dynamic is null && elf.Interpreter is null)
        {
            // A static PIE keeps its dynamic section; ET_DYN with none at all is a raw position-independent image.
            return new("dso", "ET_DYN without a dynamic section or PT_INTERP");
        }

        return new("dso", elf.Interpreter is null
            ? "ET_DYN without DF_1_PIE or DT_DEBUG: a shared library"
            : "ET_DYN with PT_INTERP but without DF_1_PIE or DT_DEBUG: a shared library that can also be run");
    }

    /// <summary>RELRO: PT_GNU_RELRO makes the relocated data read-only (partial); with BIND_NOW the GOT too (full).</summary>
    public static Decided<string> Relro(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        if (!elf.HasRelro)
        {
            return new("none", "no PT_GNU_RELRO");
        }

        if (elf.Dynamic is { } d && d.BindNow)
        {
            string how = d.Has(ElfDynamicTag.BindNow) ? "DT_BIND_NOW"
                : d.Flags is { } f && (f & ElfDynamic.FlagBindNow) != 0 ? "DF_BIND_NOW in DT_FLAGS"
                : "DF_1_NOW in DT_FLAGS_1";
            return new("full", "PT_GNU_RELRO and " + how);
        }

        return new("partial", elf.Dynamic is null ? "PT_GNU_RELRO, no dynamic section (static)" : "PT_GNU_RELRO without BIND_NOW (lazy binding)");
    }

    /// <summary>Stripped: no SHT_SYMTAB section.</summary>
    public static Decided<bool> Stripped(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        if (elf.Sections.Count == 0)
        {
            return new(true, "no section headers (sstrip)");
        }

        return elf.HasSymbolTable ? new(false, ".symtab present") : new(true, "no .symtab");
    }

    /// <summary>DT_RPATH.</summary>
    public static Decided<string?> RPath(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        return elf.Dynamic?.RPath is { } p ? new(p, "DT_RPATH " + p) : new(null, "no DT_RPATH");
    }

    /// <summary>DT_RUNPATH.</summary>
    public static Decided<string?> RunPath(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        return elf.Dynamic?.RunPath is { } p ? new(p, "DT_RUNPATH " + p) : new(null, "no DT_RUNPATH");
    }

    /// <summary>CET from GNU_PROPERTY_X86_FEATURE_1_AND; null for files that are not x86.</summary>
    public static CetInfo? Cet(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        if (elf.Header.Machine is not (ElfMachines.X86 or ElfMachines.X86_64))
        {
            return null;
        }

        if (elf.GnuProperties?.X86Features is not { } features)
        {
            return new(false, false, "no GNU_PROPERTY_X86_FEATURE_1_AND note");
        }

        var p = elf.GnuProperties;
        return new(p.Ibt, p.Shstk, string.Create(CultureInfo.InvariantCulture, $"GNU_PROPERTY_X86_FEATURE_1_AND 0x{features:x}"));
    }

    /// <summary>The gABI letters of segment flags, as readelf prints them ("RW", "RWE").</summary>
    public static string FlagString(ElfSegmentFlags flags) =>
        ((flags & ElfSegmentFlags.Read) != 0 ? "R" : "") + ((flags & ElfSegmentFlags.Write) != 0 ? "W" : "") + ((flags & ElfSegmentFlags.Execute) != 0 ? "E" : "")
        is { Length: > 0 } s ? s : "none";
}
