using System.Runtime.InteropServices;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Compression;

/// <summary>
/// The system's libbz2 (libbz2.so.1.0). Decodes one bzip2 stream several times faster than managed
/// code, sets up a stream in microseconds instead of milliseconds, and reports exactly where the stream
/// ended (BZ_STREAM_END leaves avail_in = the bytes that follow). Every caller has a managed fallback.
/// </summary>
internal static unsafe partial class LibBzip2
{
    private const string Library = "libbz2.so.1.0";
    private const int Ok = 0;
    private const int StreamEnd = 4;

    /// <summary>True when libbz2.so.1.0 can be loaded.</summary>
    public static bool IsAvailable => NativeLibraries.IsLoadable(Library);

    /// <summary>bz_stream from bzlib.h; all zeros selects the default allocator.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BzStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public uint TotalInLo32;
        public uint TotalInHi32;
        public byte* NextOut;
        public uint AvailOut;
        public uint TotalOutLo32;
        public uint TotalOutHi32;
        public nint State;
        public nint BzAlloc;
        public nint BzFree;
        public nint Opaque;
    }

    [LibraryImport(Library, EntryPoint = "BZ2_bzDecompressInit")]
    private static partial int DecompressInit(BzStream* strm, int verbosity, int small);

    [LibraryImport(Library, EntryPoint = "BZ2_bzDecompress")]
    private static partial int Decompress(BzStream* strm);

    [LibraryImport(Library, EntryPoint = "BZ2_bzDecompressEnd")]
    private static partial int DecompressEnd(BzStream* strm);

    /// <summary>
    /// Decodes the one bzip2 stream at the start of a source: reads it forward, never past the
    /// source, and stops at its end marker, so <see cref="TotalIn"/> is the stream's exact length.
    /// </summary>
    internal sealed class OneStream : DecoderStream
    {
        private const int InputBufferSize = 1 << 14;
        private readonly IByteSource _source;
        private readonly BzStream* _strm;
        private readonly byte* _inBuffer;
        private long _read;
        private bool _finished;

        public OneStream(IByteSource source)
        {
            _source = source;
            _strm = (BzStream*)NativeMemory.AllocZeroed((nuint)sizeof(BzStream));
            _inBuffer = (byte*)NativeMemory.Alloc(InputBufferSize);
            int ret = DecompressInit(_strm, 0, 0);
            if (ret != Ok)
            {
                _strm->State = 0;
                Release();
                throw new InvalidDataException($"libbz2 init failed ({ret})");
            }
        }

        /// <summary>Compressed bytes the decoder used: the whole stream once it ended.</summary>
        public long TotalIn => _read - _strm->AvailIn;

        /// <summary>True once the end-of-stream marker and CRC were read and checked.</summary>
        public bool Finished => _finished;

        public override int Read(Span<byte> buffer)
        {
            if (_finished || buffer.IsEmpty)
            {
                return 0;
            }

            fixed (byte* outp = buffer)
            {
                _strm->NextOut = outp;
                _strm->AvailOut = (uint)buffer.Length;
                while (_strm->AvailOut > 0)
                {
                    if (_strm->AvailIn == 0)
                    {
                        int n = _source.Read(_read, new Span<byte>(_inBuffer, InputBufferSize));
                        if (n == 0)
                        {
                            // Hand out what this call decoded; the next call reports the truncation.
                            if (_strm->AvailOut < (uint)buffer.Length)
                            {
                                break;
                            }

                            throw new InvalidDataException("unexpected end of input (truncated)");
                        }

                        _read += n;
                        _strm->NextIn = _inBuffer;
                        _strm->AvailIn = (uint)n;
                    }

                    int ret = Decompress(_strm);
                    if (ret == StreamEnd)
                    {
                        _finished = true;
                        break;
                    }

                    if (ret != Ok)
                    {
                        throw new InvalidDataException(ret switch
                        {
                            -3 => "out of memory",
                            -4 => "corrupt compressed data (data or CRC error)",
                            -5 => "not a bzip2 stream",
                            _ => $"libbz2 error {ret}",
                        });
                    }
                }

                return buffer.Length - (int)_strm->AvailOut;
            }
        }

        protected override void ReleaseState()
        {
            if (_strm->State != 0)
            {
                DecompressEnd(_strm);
            }

            NativeMemory.Free(_strm);
            NativeMemory.Free(_inBuffer);
        }
    }
}
