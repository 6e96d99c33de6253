using System.Runtime.InteropServices;

namespace FirmwareGate.Core.Compression;

/// <summary>
/// The system's libzstd (Debian's libzstd1), used for SquashFS zstd blocks where it is faster than
/// the managed port; ZstdSharp is the fallback.
/// </summary>
internal static unsafe partial class LibZstd
{
    private const string Library = "libzstd.so.1";

    /// <summary>True when libzstd.so.1 can be loaded.</summary>
    public static bool IsAvailable => NativeLibraries.IsLoadable(Library);

    [LibraryImport(Library, EntryPoint = "ZSTD_decompress")]
    private static partial nuint Decompress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    private static partial uint IsError(nuint code);

    /// <summary>Decodes one whole zstd frame held in memory; returns bytes written or -1.</summary>
    public static int DecodeBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            nuint n = Decompress(o, (nuint)output.Length, i, (nuint)input.Length);
            return IsError(n) != 0 ? -1 : (int)n;
        }
    }
}
