namespace FirmwareGate.Core.Unpacking;

/// <summary>Format names that are not readers.</summary>
public static class LayerFormats
{
    /// <summary>A run of 0x00 or 0xFF.</summary>
    public const string Padding = "padding";

    /// <summary>Bytes nothing claimed.</summary>
    public const string Unknown = "unknown";
}
