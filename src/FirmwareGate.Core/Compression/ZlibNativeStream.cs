using System.Runtime.InteropServices;

namespace FirmwareGate.Core.Compression;

/// <summary>
/// gzip decoding through the system zlib (libz.so.1). Unlike GZipStream it reports exactly where the
/// last member ended, so a gzip carved from a flash dump does not swallow the layer after it, and it
/// tells a truncated stream from a finished one. Concatenated members are decoded in turn.
/// </summary>
internal sealed unsafe partial class ZlibNativeStream : DecoderStream
{
    private const string Library = "libz.so.1";
    private const int InputBufferSize = 1 << 16;
    private const int GzipWindowBits = 16 + 15;
    private const int StreamEndCode = 1;

    private readonly Stream _input;
    private readonly ZStream* _strm;
    private readonly byte* _inBuffer;
    private long _consumed;
    private bool _inputDone;
    private bool _finished;

    public ZlibNativeStream(Stream input)
    {
        _input = input;
        _strm = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        _inBuffer = (byte*)NativeMemory.Alloc(InputBufferSize);
        int ret = InflateInit2(_strm, GzipWindowBits, "1.2.13", sizeof(ZStream));
        if (ret != 0)
        {
            Release();
            throw new InvalidDataException($"zlib init failed ({ret})");
        }
    }

    public static bool IsAvailable => NativeLibraries.IsLoadable(Library);

    /// <summary>Compressed bytes used up to the end of the last complete member.</summary>
    public long TotalIn => _consumed + (long)_strm->TotalIn;

    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public nint Msg;
        public nint State;
        public nint ZAlloc;
        public nint ZFree;
        public nint Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    [LibraryImport(Library, EntryPoint = "inflateInit2_", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int InflateInit2(ZStream* strm, int windowBits, string version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflate")]
    private static partial int Inflate(ZStream* strm, int flush);

    [LibraryImport(Library, EntryPoint = "inflateReset")]
    private static partial int InflateReset(ZStream* strm);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    private static partial int InflateEnd(ZStream* strm);

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
            while (_strm->AvailOut > 0 && !_finished)
            {
                if (_strm->AvailIn == 0 && (_inputDone || !Refill()))
                {
                    // Hand out what this call decoded; the next call reports the truncation.
                    if (_strm->AvailOut < (uint)buffer.Length)
                    {
                        break;
                    }

                    throw new InvalidDataException("unexpected end of input (truncated)");
                }

                int ret = Inflate(_strm, 0);
                if (ret == StreamEndCode)
                {
                    if (!NextMemberFollows())
                    {
                        _finished = true;
                    }

                    continue;
                }

                if (ret != 0)
                {
                    throw new InvalidDataException(ret switch
                    {
                        -3 => "corrupt deflate data or gzip header",
                        -4 => "out of memory",
                        -5 => "unexpected end of input (truncated)",
                        _ => $"zlib error {ret}",
                    });
                }
            }

            return buffer.Length - (int)_strm->AvailOut;
        }
    }

    private bool Refill()
    {
        int n = _input.Read(new Span<byte>(_inBuffer, InputBufferSize));
        _inputDone = n == 0;
        _strm->NextIn = _inBuffer;
        _strm->AvailIn = (uint)n;
        return n > 0;
    }

    /// <summary>After a member ends: continue when another gzip header (1f 8b 08) follows at once.</summary>
    private bool NextMemberFollows()
    {
        if (_strm->AvailIn < 3 && !_inputDone)
        {
            // Move the unread tail to the front and top the buffer up, so the peek loses nothing.
            int left = (int)_strm->AvailIn;
            Buffer.MemoryCopy(_strm->NextIn, _inBuffer, InputBufferSize, left);
            int n = _input.Read(new Span<byte>(_inBuffer + left, InputBufferSize - left));
            _inputDone = n == 0;
            _strm->NextIn = _inBuffer;
            _strm->AvailIn = (uint)(left + n);
        }

        if (_strm->AvailIn < 3 || _strm->NextIn[0] != 0x1F || _strm->NextIn[1] != 0x8B || _strm->NextIn[2] != 0x08)
        {
            return false;
        }

        _consumed += (long)_strm->TotalIn;
        return InflateReset(_strm) == 0;
    }

    protected override void ReleaseState()
    {
        if (_strm->State != 0)
        {
            InflateEnd(_strm);
        }

        NativeMemory.Free(_strm);
        NativeMemory.Free(_inBuffer);
    }
}
