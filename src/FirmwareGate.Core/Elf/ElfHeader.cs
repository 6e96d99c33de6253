namespace FirmwareGate.Core.Elf;

/// <summary>The ELF file header (e_ident and the fields after it).</summary>
/// <param name="Is64Bit">ELFCLASS64 (else ELFCLASS32).</param>
/// <param name="IsBigEndian">ELFDATA2MSB (else ELFDATA2LSB).</param>
/// <param name="OsAbi">EI_OSABI (0 = System V, 3 = Linux/GNU).</param>
/// <param name="Type">e_type.</param>
/// <param name="Machine">e_machine.</param>
/// <param name="Entry">e_entry.</param>
/// <param name="Flags">e_flags (processor specific: ARM EABI version and float ABI, MIPS ISA).</param>
public sealed record ElfHeader(bool Is64Bit, bool IsBigEndian, byte OsAbi, ElfType Type, ushort Machine, ulong Entry, uint Flags)
{
    /// <summary>Short machine name (<see cref="ElfMachines.Name"/>).</summary>
    public string MachineName => ElfMachines.Name(Machine);
}
