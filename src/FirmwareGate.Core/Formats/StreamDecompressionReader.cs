using System.Buffers;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Base for single-stream compression formats: decodes into a bounded output and hands the
/// decoded bytes to the engine. A stream that breaks midway keeps what decoded, with a warning.
/// </summary>
public abstract class StreamDecompressionReader : IFormatReader
{
    /// <inheritdoc/>
    public abstract string Format { get; }

    /// <inheritdoc/>
    public abstract IReadOnlyList<Signature> Signatures { get; }

    /// <inheritdoc/>
    public virtual bool WeakSignature => false;

    /// <inheritdoc/>
    public abstract bool TryIdentify(IByteSource source, out long length);

    /// <summary>Opens a decoder over the compressed input.</summary>
    protected abstract Stream OpenDecoder(Stream input, IByteSource source, ReadContext context);

    /// <summary>Compressed bytes the layer occupies, once decoding ended (exact where the codec tells).</summary>
    protected virtual long ConsumedLength(Stream decoder, Stream input, IByteSource source) => Math.Min(input.Position, source.Length);

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var input = new ByteSourceStream(source);
        using var output = context.CreateOutput(Format, 0, () => input.Position);
        var warnings = new List<string>();
        long consumed;
        Stream? decoder = null;
        try
        {
            decoder = OpenDecoder(input, source, context);
            Pump(decoder, output, context.CancellationToken);
        }
        catch (LimitExceededException e)
        {
            warnings.Add(e.Message + "; decoding stopped");
            var stopped = new ReadResult { Length = source.Length };
            stopped.Warnings.AddRange(warnings);
            return stopped;
        }
        catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
        {
            if (output.Length == 0)
            {
                throw new CorruptDataException(Format, input.Position, e.Message);
            }

            warnings.Add($"{Format}: stream is corrupt or truncated after {output.Length} decoded bytes ({e.Message}); kept what decoded");
        }
        finally
        {
            consumed = decoder is null ? input.Position : ConsumedLength(decoder, input, source);
            decoder?.Dispose();
        }

        var result = new ReadResult { Length = Math.Max(1, consumed) };
        result.Warnings.AddRange(warnings);
        result.Children.Add(new ChildBlob(output.ToSource(), 0));
        return result;
    }

    private static void Pump(Stream decoder, Stream output, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 17);
        try
        {
            int n;
            while ((n = decoder.Read(buffer, 0, buffer.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                output.Write(buffer, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the first bytes for header validation.</summary>
    protected static Span<byte> Head(IByteSource source, Span<byte> buffer) => buffer[..source.ReadFully(0, buffer)];
}
