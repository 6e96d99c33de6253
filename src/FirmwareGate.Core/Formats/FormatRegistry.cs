using System.Collections.Immutable;

namespace FirmwareGate.Core.Formats;

/// <summary>An ordered, immutable list of readers. Earlier readers win when two match at one offset.</summary>
public sealed class FormatRegistry(IEnumerable<IFormatReader> readers)
{
    /// <summary>The readers in priority order.</summary>
    public ImmutableArray<IFormatReader> Readers { get; } = [.. readers];

    /// <summary>Every format this engine reads.</summary>
    public static FormatRegistry CreateDefault() => new(
    [
        new TrxReader(),
        new NetgearChkReader(),
        new SeamaReader(),
        new TpLinkReader(),
        new TpLinkSafeloaderReader(),
        new UbiquitiReader(),
        new AndroidSparseReader(),
        new Iso9660Reader(),
        new PartitionTableReader(),
        new UImageReader(),
        new FdtReader(),
        new KwbImageReader(),
        new SquashFsReader(),
        new SquashFsLegacyReader(),
        new UbiReader(),
        new UbifsReader(),
        new Ext4Reader(),
        new Jffs2Reader(),
        new CramFsReader(),
        new RomFsReader(),
        new CpioReader(),
        new TarReader(),
        new ZipReader(),
        new SevenZipReader(),
        new GzipReader(),
        new XzReader(),
        new Bzip2Reader(),
        new ZstdReader(),
        new Lz4FrameReader(),
        new LzopReader(),
        new LzmaReader(),
        new Yaffs2Reader(),
    ]);
}
