using System.Buffers;
using System.Diagnostics;
using FirmwareGate.Core.Elf;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Analysis;

/// <summary>
/// A file handed to analysers: read once, lazily, and shared by every analyser that asked for it.
/// Files up to <see cref="MaxInMemoryBytes"/> are held in memory while they are analysed; larger ones are
/// read in chunks (<see cref="ForEachChunk"/>), so memory stays bounded whatever the image holds.
/// </summary>
public sealed class AnalyzedFile : IDisposable
{
    /// <summary>Bytes of the head passed to <see cref="IFileAnalyzer.Wants"/>.</summary>
    public const int HeadLength = 64;

    private readonly object _gate = new();
    private bool _elfParsed;
    private ElfFile? _elf;
    private ElfFormatException? _elfError;
    private byte[]? _buffer;
    private int _length = -1;

    internal AnalyzedFile(AnalysisTarget target, long maxInMemoryBytes, CancellationToken ct)
    {
        Target = target;
        MaxInMemoryBytes = maxInMemoryBytes;
        CancellationToken = ct;
    }

    /// <summary>The file.</summary>
    public AnalysisTarget Target { get; }

    /// <summary>
    /// The file read as ELF (headers, sections, dynamic section, notes, .dynsym and .symtab), parsed once and shared by every analyser;
    /// null when it is not ELF or its file header is broken (then <see cref="ElfError"/> says why).
    /// </summary>
    public ElfFile? Elf
    {
        get
        {
            ParseElf();
            return _elf;
        }
    }

    /// <summary>Why a file with ELF magic could not be read as ELF; null otherwise.</summary>
    public ElfFormatException? ElfError
    {
        get
        {
            ParseElf();
            return _elfError;
        }
    }

    /// <summary>Stopwatch ticks spent reading (decoding) the whole file into memory, 0 until it is read.</summary>
    internal long ReadTicks { get; private set; }

    /// <summary>Stopwatch ticks spent parsing the file as ELF (headers, dynamic section, symbols), 0 until parsed.</summary>
    internal long ElfTicks { get; private set; }

    /// <summary>Files larger than this are not loaded whole; use <see cref="ForEachChunk"/>.</summary>
    public long MaxInMemoryBytes { get; }

    /// <summary>Cancellation of the scan.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>True when the whole file fits in memory (<see cref="Bytes"/> works).</summary>
    public bool FitsInMemory => Target.Size <= MaxInMemoryBytes;

    /// <summary>The whole file, read on first use and shared; throws when it does not fit (check <see cref="FitsInMemory"/>).</summary>
    public ReadOnlySpan<byte> Bytes => Load().Span;

    /// <summary>The whole file as memory (see <see cref="Bytes"/>).</summary>
    public ReadOnlyMemory<byte> Memory => Load();

    /// <summary>
    /// Calls <paramref name="action"/> for consecutive chunks of the file, each overlapping the previous one by
    /// <paramref name="overlap"/> bytes so a pattern shorter than that is never split. In memory when the
    /// file fits, otherwise read from the source with one rented buffer.
    /// </summary>
    /// <param name="chunkSize">Bytes per chunk.</param>
    /// <param name="overlap">Bytes repeated at the start of each chunk after the first.</param>
    /// <param name="action">Receives the chunk and its offset in the file.</param>
    public void ForEachChunk(int chunkSize, int overlap, Action<ReadOnlyMemory<byte>, long> action)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(chunkSize, overlap);
        if (FitsInMemory)
        {
            action(Load(), 0);
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            long offset = 0;
            while (offset < Target.Size)
            {
                CancellationToken.ThrowIfCancellationRequested();
                int n = Target.Content.ReadFully(offset, buffer.AsSpan(0, chunkSize));
                if (n <= 0)
                {
                    break;
                }

                action(buffer.AsMemory(0, n), offset);
                if (offset + n >= Target.Size)
                {
                    break;
                }

                offset += n - overlap;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ParseElf()
    {
        lock (_gate)
        {
            if (_elfParsed)
            {
                return;
            }

            _elfParsed = true;
            Span<byte> magic = stackalloc byte[4];
            if (!ElfFile.IsElf(magic[..Target.Content.ReadFully(0, magic)]))
            {
                return;
            }

            var memory = FitsInMemory ? Load() : default;
            long started = Stopwatch.GetTimestamp();
            try
            {
                // Symbols too: hardening (canary, FORTIFY, flagged imports) reads them from this one parse.
                _elf = FitsInMemory ? ElfFile.Parse(memory, ElfReadOptions.WithSymbols) : ElfFile.Read(Target.Content, ElfReadOptions.WithSymbols);
            }
            catch (ElfFormatException e)
            {
                _elfError = e;
            }

            ElfTicks = Stopwatch.GetTimestamp() - started;
        }
    }

    private ReadOnlyMemory<byte> Load()
    {
        lock (_gate)
        {
            if (_length < 0)
            {
                if (!FitsInMemory)
                {
                    throw new InvalidOperationException($"{Target.Location} is {Target.Size} bytes, over the in-memory cap of {MaxInMemoryBytes}");
                }

                long started = Stopwatch.GetTimestamp();
                _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, Target.Size));
                _length = Target.Content.ReadFully(0, _buffer.AsSpan(0, (int)Target.Size));
                ReadTicks = Stopwatch.GetTimestamp() - started;
            }

            return _buffer.AsMemory(0, _length);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            _length = -1;
        }
    }
}
