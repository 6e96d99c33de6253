namespace FirmwareGate.Core.Formats;

/// <summary>Input that claims to be a format and is not. Carries the format name and the offset.</summary>
public class FirmwareFormatException(string format, long offset, string message)
    : FormatException($"{format} at 0x{offset:x}: {message}")
{
    /// <summary>The format being read.</summary>
    public string Format { get; } = format;

    /// <summary>Offset within the layer where the problem was seen.</summary>
    public long Offset { get; } = offset;

    /// <summary>The message without the format and offset prefix.</summary>
    public string Detail { get; } = message;
}
