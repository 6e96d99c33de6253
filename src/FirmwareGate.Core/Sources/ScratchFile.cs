using Microsoft.Win32.SafeHandles;

namespace FirmwareGate.Core.Sources;

/// <summary>
/// One scratch file per scan for decoded bytes that do not fit the memory budget. Outputs take
/// chunks of it as they grow (a small first chunk, then 1 MiB ones; unwritten space stays a hole),
/// so a scan holds one file handle however many outputs spill: a zip of 90,000 members once
/// opened 90,000 scratch files and ran the process out of descriptors.
/// </summary>
internal sealed class ScratchFile(string path) : IDisposable
{
    /// <summary>Size of an output's first chunk.</summary>
    public const int FirstChunk = 64 << 10;

    /// <summary>Size of every later chunk.</summary>
    public const int Chunk = 1 << 20;

    private readonly SafeFileHandle _handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
    private long _end;

    /// <summary>Reserves a chunk of <paramref name="size"/> bytes; returns where it starts.</summary>
    public long Allocate(int size) => Interlocked.Add(ref _end, size) - size;

    /// <summary>Writes at a position (pwrite: safe from several threads at distinct positions).</summary>
    public void Write(long position, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, position);

    /// <summary>Reads at a position.</summary>
    public int Read(long position, Span<byte> buffer) => RandomAccess.Read(_handle, buffer, position);

    /// <inheritdoc/>
    public void Dispose() => _handle.Dispose();
}
