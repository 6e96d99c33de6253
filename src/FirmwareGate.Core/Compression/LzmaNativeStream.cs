using System.Runtime.InteropServices;

namespace FirmwareGate.Core.Compression;

/// <summary>A decoding stream over liblzma (.xz or .lzma-alone) that knows exactly how much input it used.</summary>
internal sealed unsafe class LzmaNativeStream : DecoderStream
{
    private const int InputBufferSize = 1 << 16;
    private readonly Stream _input;
    private readonly LibLzma.LzmaStream* _strm;
    private readonly byte* _inBuffer;
    private bool _inputDone;
    private bool _finished;

    public LzmaNativeStream(Stream input, bool alone)
    {
        _input = input;
        _strm = (LibLzma.LzmaStream*)NativeMemory.AllocZeroed((nuint)sizeof(LibLzma.LzmaStream));
        _inBuffer = (byte*)NativeMemory.Alloc(InputBufferSize);
        int ret = alone ? LibLzma.AloneDecoder(_strm, LibLzma.MemLimit) : LibLzma.StreamDecoder(_strm, LibLzma.MemLimit, 0);
        if (ret != LibLzma.Ok)
        {
            Release();
            throw new InvalidDataException($"liblzma decoder init failed ({ret})");
        }
    }

    /// <summary>Compressed bytes consumed by the decoder so far.</summary>
    public long TotalIn => (long)_strm->TotalIn;

    public override int Read(Span<byte> buffer)
    {
        if (_finished || buffer.IsEmpty)
        {
            return 0;
        }

        fixed (byte* outp = buffer)
        {
            _strm->NextOut = outp;
            _strm->AvailOut = (nuint)buffer.Length;
            while (_strm->AvailOut > 0)
            {
                if (_strm->AvailIn == 0 && !_inputDone)
                {
                    int n = _input.Read(new Span<byte>(_inBuffer, InputBufferSize));
                    _inputDone = n == 0;
                    _strm->NextIn = _inBuffer;
                    _strm->AvailIn = (nuint)n;
                }

                int ret = LibLzma.Code(_strm, _inputDone ? LibLzma.Finish : LibLzma.Run);
                if (ret == LibLzma.StreamEnd)
                {
                    _finished = true;
                    break;
                }

                if (ret != LibLzma.Ok)
                {
                    throw new InvalidDataException(ret switch
                    {
                        6 => "dictionary needs more memory than the decoder limit",
                        7 => "not an xz/lzma stream",
                        8 => "unsupported options",
                        9 => "corrupt compressed data",
                        10 => "unexpected end of input",
                        _ => $"liblzma error {ret}",
                    });
                }
            }

            return buffer.Length - (int)_strm->AvailOut;
        }
    }

    protected override void ReleaseState()
    {
        if (_strm->Internal != 0)
        {
            LibLzma.End(_strm);
        }

        NativeMemory.Free(_strm);
        NativeMemory.Free(_inBuffer);
    }
}
