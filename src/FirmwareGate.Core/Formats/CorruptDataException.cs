namespace FirmwareGate.Core.Formats;

/// <summary>A checksum, field or compressed stream is invalid.</summary>
public sealed class CorruptDataException(string format, long offset, string message)
    : FirmwareFormatException(format, offset, message);
