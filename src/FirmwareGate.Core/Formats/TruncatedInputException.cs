namespace FirmwareGate.Core.Formats;

/// <summary>The input ends before the structure it describes.</summary>
public sealed class TruncatedInputException(string format, long offset, string message)
    : FirmwareFormatException(format, offset, "truncated: " + message);
