using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>Reads one container, compression or filesystem format.</summary>
public interface IFormatReader
{
    /// <summary>Format name used in layers and locations.</summary>
    string Format { get; }

    /// <summary>Magic numbers the signature scan looks for.</summary>
    IReadOnlyList<Signature> Signatures { get; }

    /// <summary>
    /// True when the magic is short and common (lzma-alone, tar-less): a scan hit that then fails
    /// to decode is dropped silently instead of being reported as a corrupt layer.
    /// </summary>
    bool WeakSignature => false;

    /// <summary>
    /// Validates the header at the start of <paramref name="source"/> (magic plus header fields,
    /// so random bytes rarely match). <paramref name="length"/> is the claimed size, or -1 when only
    /// reading tells (streams).
    /// </summary>
    bool TryIdentify(IByteSource source, out long length);

    /// <summary>Reads the layer. Throws only <see cref="FirmwareFormatException"/> subtypes.</summary>
    ReadResult Read(IByteSource source, ReadContext context);

    /// <summary>
    /// Reads a layer that <see cref="TryIdentify"/> already accepted, with the length it claimed
    /// (-1 when unknown), so a reader whose identification is costly need not repeat it.
    /// </summary>
    ReadResult Read(IByteSource source, long identifiedLength, ReadContext context) => Read(source, context);
}
