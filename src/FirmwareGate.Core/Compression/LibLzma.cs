using System.Runtime.InteropServices;

namespace FirmwareGate.Core.Compression;

/// <summary>
/// The system's liblzma (xz-utils), which decodes xz several times faster than managed code.
/// Present on Debian and in the action's container; every caller has a managed fallback.
/// </summary>
internal static unsafe partial class LibLzma
{
    private const string Library = "liblzma.so.5";
    internal const int Ok = 0;
    internal const int StreamEnd = 1;
    internal const int Run = 0;
    internal const int Finish = 3;

    /// <summary>
    /// Memory liblzma may use per decoder: dictionaries up to 128 MiB (xz -9 and lzma -9 use 64 MiB) and the
    /// decoder's state. Bigger dictionaries are refused: the window fills as the stream decodes, so a 1 GiB
    /// claim and a few MB of input would otherwise hold that much memory beside the scan's memory budget.
    /// </summary>
    internal const ulong MemLimit = MaxDictionary + (2UL << 20);

    /// <summary>Largest LZMA dictionary (window) any decoder is allowed, native or managed.</summary>
    internal const uint MaxDictionary = 128u << 20;

    /// <summary>True when liblzma.so.5 can be loaded.</summary>
    public static bool IsAvailable => NativeLibraries.IsLoadable(Library);

    /// <summary>lzma_stream from lzma/base.h; LZMA_STREAM_INIT is all zeros.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LzmaStream
    {
        public byte* NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public byte* NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public nint Allocator;
        public nint Internal;
        public nint Reserved1;
        public nint Reserved2;
        public nint Reserved3;
        public nint Reserved4;
        public ulong ReservedInt1;
        public ulong ReservedInt2;
        public nuint ReservedInt3;
        public nuint ReservedInt4;
        public int ReservedEnum1;
        public int ReservedEnum2;
    }

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder")]
    internal static partial int StreamDecoder(LzmaStream* strm, ulong memlimit, uint flags);

    [LibraryImport(Library, EntryPoint = "lzma_alone_decoder")]
    internal static partial int AloneDecoder(LzmaStream* strm, ulong memlimit);

    [LibraryImport(Library, EntryPoint = "lzma_code")]
    internal static partial int Code(LzmaStream* strm, int action);

    [LibraryImport(Library, EntryPoint = "lzma_end")]
    internal static partial void End(LzmaStream* strm);

    [LibraryImport(Library, EntryPoint = "lzma_stream_buffer_decode")]
    internal static partial int StreamBufferDecode(ref ulong memlimit, uint flags, nint allocator, byte* input, ref nuint inPos, nuint inSize, byte* output, ref nuint outPos, nuint outSize);

    /// <summary>Decodes one whole .xz stream held in memory (a SquashFS block); returns bytes written or -1.</summary>
    public static int DecodeXzBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        ulong memlimit = MemLimit;
        nuint inPos = 0;
        nuint outPos = 0;
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            int ret = StreamBufferDecode(ref memlimit, 0, 0, i, ref inPos, (nuint)input.Length, o, ref outPos, (nuint)output.Length);
            return ret == Ok ? (int)outPos : -1;
        }
    }
}
