using System.Globalization;
using FirmwareGate.Core.Formats.Ext4;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// ext2, ext3 and ext4: block groups with 32- or 64-byte descriptors, inodes with extent trees or block
/// maps, linear and hashed directories, inline data, fast and slow symlinks, sparse files, devices and
/// hard links. The journal is not replayed (a filesystem that needs recovery is read as it stands).
/// </summary>
public sealed class Ext4Reader : IFormatReader
{
    private const uint CompatHasJournal = 0x4;

    /// <inheritdoc/>
    public string Format => "ext4";

    // s_magic 0xEF53 (little-endian) at 0x38 in the superblock, which starts 1024 bytes into the filesystem.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new([0x53, 0xEF], Ext4Superblock.Offset + Ext4Superblock.MagicOffset)];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        var sb = ReadSuperblock(source);
        if (sb is null || (sb.FeatureIncompat & Ext4Superblock.IncompatJournalDev) != 0)
        {
            return false;
        }

        length = Math.Min(sb.ByteLength, source.Length);
        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var sb = ReadSuperblock(source)
            ?? throw new CorruptDataException(Format, Ext4Superblock.Offset, "superblock fields are inconsistent");
        var warnings = new List<string>();
        if (sb.ByteLength > source.Length)
        {
            warnings.Add($"ext4 at 0x0: the filesystem is {sb.ByteLength} bytes, only {source.Length} are available (truncated); reading what is there");
        }

        if ((sb.FeatureIncompat & Ext4Superblock.IncompatRecover) != 0)
        {
            warnings.Add("ext4: the journal needs recovery and is not replayed; recent changes may be missing");
        }

        if ((sb.FeatureIncompat & Ext4Superblock.IncompatEncrypt) != 0)
        {
            warnings.Add("ext4: the filesystem has encrypted directories; their names and contents are listed as stored (encrypted)");
        }

        var device = source.Slice(0, Math.Min(sb.ByteLength, source.Length));
        var fs = new Ext4Filesystem(device, sb, context);
        var tree = fs.ReadTree();
        warnings.AddRange(fs.Warnings);
        var result = new ReadResult { Length = device.Length, FileSystem = tree };
        result.Details["variant"] = Variant(sb);
        result.Details["blockSize"] = sb.BlockSize.ToString(CultureInfo.InvariantCulture);
        result.Details["blocks"] = sb.BlocksCount.ToString(CultureInfo.InvariantCulture);
        result.Details["inodes"] = sb.InodesCount.ToString(CultureInfo.InvariantCulture);
        result.Details["groups"] = sb.GroupCount.ToString(CultureInfo.InvariantCulture);
        result.Details["features"] = string.Create(CultureInfo.InvariantCulture, $"compat 0x{sb.FeatureCompat:x} incompat 0x{sb.FeatureIncompat:x} ro_compat 0x{sb.FeatureRoCompat:x}");
        if (sb.VolumeName.Length > 0)
        {
            result.Details["label"] = sb.VolumeName;
        }

        if (fs.LostFoundOmitted)
        {
            result.Details["lostFound"] = "empty, not listed";
        }

        result.Warnings.AddRange(warnings);
        return result;
    }

    private static Ext4Superblock? ReadSuperblock(IByteSource source)
    {
        Span<byte> h = stackalloc byte[Ext4Superblock.Size];
        return source.ReadFully(Ext4Superblock.Offset, h) < Ext4Superblock.Size ? null : Ext4Superblock.TryParse(h);
    }

    /// <summary>ext4 with extents or 64-bit or other ext4-only features, ext3 with a journal, ext2 otherwise.</summary>
    private static string Variant(Ext4Superblock sb)
    {
        const uint Ext4Only = ~(Ext4Superblock.IncompatFileType | Ext4Superblock.IncompatRecover | Ext4Superblock.IncompatMetaBg);
        if ((sb.FeatureIncompat & Ext4Only) != 0)
        {
            return "ext4";
        }

        return (sb.FeatureCompat & CompatHasJournal) != 0 ? "ext3" : "ext2";
    }
}
