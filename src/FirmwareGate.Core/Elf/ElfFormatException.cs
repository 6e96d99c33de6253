using FirmwareGate.Core.Formats;

namespace FirmwareGate.Core.Elf;

/// <summary>Bytes that start like an ELF file but whose header cannot be read. Carries the offset of the fault.</summary>
public sealed class ElfFormatException(long offset, string message) : FirmwareFormatException("elf", offset, message);
