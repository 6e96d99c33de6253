namespace FirmwareGate.Core.Formats;

/// <summary>A magic byte sequence at a fixed offset from the start of a format's header.</summary>
/// <param name="Magic">The bytes.</param>
/// <param name="Offset">Where they sit relative to the start of the header (tar: 257).</param>
public sealed record Signature(byte[] Magic, int Offset = 0);
