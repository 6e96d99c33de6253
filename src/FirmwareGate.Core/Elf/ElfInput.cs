using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Elf;

/// <summary>Random access to the bytes of an ELF file: a memory buffer, or a byte source read range by range.</summary>
internal abstract class ElfInput
{
    public abstract long Length { get; }

    /// <summary>The bytes of a range the caller has checked against <see cref="Length"/>.</summary>
    public abstract ReadOnlySpan<byte> Read(long offset, int length);

    public static ElfInput From(ReadOnlyMemory<byte> memory) => new MemoryInput(memory);

    public static ElfInput From(IByteSource source) => new SourceInput(source);

    private sealed class MemoryInput(ReadOnlyMemory<byte> memory) : ElfInput
    {
        public override long Length => memory.Length;

        public override ReadOnlySpan<byte> Read(long offset, int length) => memory.Span.Slice((int)offset, length);
    }

    // Each range is bounded by the reader's caps and by the file length before it gets here.
    private sealed class SourceInput(IByteSource source) : ElfInput
    {
        public override long Length => source.Length;

        public override ReadOnlySpan<byte> Read(long offset, int length)
        {
            var buffer = new byte[length];
            int n = source.ReadFully(offset, buffer);
            return buffer.AsSpan(0, n);
        }
    }
}
