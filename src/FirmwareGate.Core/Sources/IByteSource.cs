namespace FirmwareGate.Core.Sources;

/// <summary>
/// Random-access, read-only bytes: a file, a memory buffer or a slice of another source.
/// Reads are positional and thread-safe, so carving a region never copies the image.
/// </summary>
public interface IByteSource
{
    /// <summary>Length in bytes.</summary>
    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns the count read (0 at the end).</summary>
    int Read(long offset, Span<byte> buffer);

    /// <summary>A view of <paramref name="length"/> bytes from <paramref name="offset"/>; no bytes are copied.</summary>
    IByteSource Slice(long offset, long length);
}
