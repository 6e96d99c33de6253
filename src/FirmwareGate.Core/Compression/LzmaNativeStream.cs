using System.Runtime.InteropServices;

namespace FirmwareGate.Core.Compression;

/// <summary>A decoding stream over liblzma (.xz or .lzma-alone) that knows exactly how much input it used.</summary>
internal sealed unsafe class LzmaNativeStream : Stream
{
    private const int InputBufferSize = 1 << 16;
    private readonly Stream _input;
    private readonly LibLzma.LzmaStream* _strm;
    private readonly byte* _inBuffer;
    private bool _inputDone;
    private bool _finished;
    private bool _freed;

    public LzmaNativeStream(Stream input, bool alone)
    {
        _input = input;
        _strm = (LibLzma.LzmaStream*)NativeMemory.AllocZeroed((nuint)sizeof(LibLzma.LzmaStream));
        _inBuffer = (byte*)NativeMemory.Alloc(InputBufferSize);
        int ret = alone ? LibLzma.AloneDecoder(_strm, LibLzma.MemLimit) : LibLzma.StreamDecoder(_strm, LibLzma.MemLimit, 0);
        if (ret != LibLzma.Ok)
        {
            Free();
            throw new InvalidDataException($"liblzma decoder init failed ({ret})");
        }
    }

    /// <summary>Compressed bytes consumed by the decoder so far.</summary>
    public long TotalIn => (long)_strm->TotalIn;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => (long)_strm->TotalOut;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

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

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Free();
        base.Dispose(disposing);
    }

    private void Free()
    {
        if (_freed)
        {
            return;
        }

        _freed = true;
        if (_strm->Internal != 0)
        {
            LibLzma.End(_strm);
        }

        NativeMemory.Free(_strm);
        NativeMemory.Free(_inBuffer);
        GC.SuppressFinalize(this);
    }
}
