using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// A write-only sink for decoded bytes that enforces the total-bytes and ratio limits as it grows,
/// keeps small outputs in memory and spills large ones to a scratch file. An output stays in memory
/// only while its buffer fits the scan's memory budget (<see cref="ReadLimits.MemoryBudgetBytes"/>):
/// decoded layers live as long as the scan, so without the budget a hundred members just under
/// <see cref="ReadLimits.InMemoryBytes"/> would hold gigabytes.
/// </summary>
public sealed class DecodedOutput : Stream
{
    private readonly ReadContext _context;
    private readonly string _format;
    private readonly long _offset;
    private readonly Func<long> _encodedLength;
    private MemoryStream? _memory = new();
    private List<long>? _chunks;
    private long _length;

    // Budget held for the memory buffer: its capacity, which is what it really occupies.
    private long _reserved;
    private bool _handedOff;

    internal DecodedOutput(ReadContext context, string format, long offset, Func<long> encodedLength)
    {
        _context = context;
        _format = format;
        _offset = offset;
        _encodedLength = encodedLength;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _context.CancellationToken.ThrowIfCancellationRequested();
        _context.Budget.AddBytes(buffer.Length, _format, _offset);
        long newLength = _length + buffer.Length;
        long encoded = Math.Max(1, _encodedLength());
        if (newLength > _context.Limits.RatioFloorBytes && newLength > encoded * _context.Limits.MaxRatio)
        {
            throw _context.Budget.Hit(new LimitExceededException(_format, _offset, "ratio",
                $"decoded {newLength} bytes from {encoded}: ratio above {_context.Limits.MaxRatio} (--max-ratio); looks like a decompression bomb"));
        }

        if (_memory is not null && !TryGrowInMemory(newLength))
        {
            Spill();
        }

        if (_memory is not null)
        {
            _memory.Write(buffer);
        }
        else
        {
            WriteToScratch(_length, buffer);
        }

        _length = newLength;
    }

    private bool TryGrowInMemory(long newLength)
    {
        long cap = Math.Min(_context.Limits.InMemoryBytes, Array.MaxLength);
        if (newLength > cap)
        {
            return false;
        }

        if (newLength <= _reserved)
        {
            return true;
        }

        // Grow like MemoryStream does (doubling), but reserve the budget before the buffer exists.
        long want = Math.Min(Math.Max(newLength, Math.Max(_reserved * 2, 4096)), cap);
        if (!_context.TryReserveMemory(want - _reserved))
        {
            want = newLength;
            if (!_context.TryReserveMemory(want - _reserved))
            {
                return false;
            }
        }

        _memory!.Capacity = (int)want; // Callers check _memory; want <= cap, which fits an array.
        _reserved = want;
        return true;
    }

    private void Spill()
    {
        _chunks = [];
        var held = _memory!; // Only called while the output is in memory.
        _memory = null;
        WriteToScratch(0, held.GetBuffer().AsSpan(0, (int)held.Length));
        _context.ReleaseMemory(_reserved);
        _reserved = 0;
    }

    // Appends at `position` (the current length), taking chunks of the scan's scratch file as needed.
    private void WriteToScratch(long position, ReadOnlySpan<byte> data)
    {
        var scratch = _context.Scratch;
        while (!data.IsEmpty)
        {
            var (index, within, size) = ScratchByteSource.Locate(position);
            if (index == _chunks!.Count)
            {
                _chunks.Add(scratch.Allocate((int)size));
            }

            int n = (int)Math.Min(data.Length, size - within);
            scratch.Write(_chunks[index] + within, data[..n]);
            data = data[n..];
            position += n;
        }
    }

    /// <summary>Finishes writing and returns the decoded bytes as a source owned by the context.</summary>
    public IByteSource ToSource()
    {
        _handedOff = true;
        if (_memory is not null)
        {
            // The buffer now lives as long as the scan; its reservation stays charged to the budget.
            return new MemoryByteSource(_memory.GetBuffer().AsMemory(0, (int)_memory.Length));
        }

        return new ScratchByteSource(_context.Scratch, [.. _chunks ?? []], _length);
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_handedOff && _reserved > 0)
            {
                _context.ReleaseMemory(_reserved);
                _reserved = 0;
                _memory = null;
            }
        }

        base.Dispose(disposing);
    }
}
