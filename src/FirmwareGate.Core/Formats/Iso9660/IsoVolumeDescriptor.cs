using System.Buffers.Binary;
using System.Text;

namespace FirmwareGate.Core.Formats.Iso9660;

/// <summary>
/// A primary or supplementary volume descriptor (ECMA-119 8.4 and 8.5): the fields the reader uses.
/// Both-endian fields (7.2.3, 7.3.3) are read from their little-endian half.
/// </summary>
internal sealed record IsoVolumeDescriptor(byte Type, int BlockSize, long VolumeBlocks, string VolumeId, byte[] RootRecord, bool Joliet, bool EndianMismatch)
{
    /// <summary>Descriptors are 2048-byte sectors from sector 16 (ECMA-119 6.2.1, 6.7.1).</summary>
    public const int SectorSize = 2048;

    /// <summary>First sector of the volume descriptor set.</summary>
    public const int FirstSector = 16;

    /// <summary>Byte offset of the set's first descriptor.</summary>
    public const int SetOffset = FirstSector * SectorSize;

    /// <summary>Standard identifier "CD001" at byte 1 of every descriptor (8.1.2).</summary>
    public const int IdentifierAt = 1;

    /// <summary>Descriptor types (8.1.1).</summary>
    public const byte TypeBoot = 0;

    /// <summary>Primary volume descriptor.</summary>
    public const byte TypePrimary = 1;

    /// <summary>Supplementary (Joliet) or enhanced volume descriptor.</summary>
    public const byte TypeSupplementary = 2;

    /// <summary>Volume partition descriptor.</summary>
    public const byte TypePartition = 3;

    /// <summary>Volume descriptor set terminator.</summary>
    public const byte TypeTerminator = 255;

    // 8.4 field positions (BP - 1).
    private const int VersionAt = 6;
    private const int VolumeIdAt = 40;
    private const int VolumeIdLength = 32;
    private const int VolumeSpaceSizeAt = 80;
    private const int EscapeSequencesAt = 88;
    private const int LogicalBlockSizeAt = 128;
    private const int RootRecordAt = 156;
    private const int RootRecordLength = 34;

    /// <summary>"CD001".</summary>
    public static ReadOnlySpan<byte> StandardIdentifier => "CD001"u8;

    /// <summary>True when the sector is a descriptor: "CD001" and a known type.</summary>
    public static bool IsDescriptor(ReadOnlySpan<byte> sector) =>
        sector.Length >= 7 && sector.Slice(IdentifierAt, 5).SequenceEqual(StandardIdentifier)
        && sector[0] is TypeBoot or TypePrimary or TypeSupplementary or TypePartition or TypeTerminator;

    /// <summary>Parses a primary or supplementary descriptor; null when its fields are not sane.</summary>
    public static IsoVolumeDescriptor? TryParse(ReadOnlySpan<byte> d)
    {
        if (d.Length < SectorSize || d[0] is not (TypePrimary or TypeSupplementary) || d[VersionAt] is not (1 or 2))
        {
            return null;
        }

        int blockSize = BinaryPrimitives.ReadUInt16LittleEndian(d[LogicalBlockSizeAt..]);
        bool mismatch = blockSize != BinaryPrimitives.ReadUInt16BigEndian(d[(LogicalBlockSizeAt + 2)..]);

        // 6.1.2: a power of two, at least 512 and at most the 2048-byte sector.
        if (blockSize is not (512 or 1024 or 2048))
        {
            return null;
        }

        uint blocks = BinaryPrimitives.ReadUInt32LittleEndian(d[VolumeSpaceSizeAt..]);
        mismatch |= blocks != BinaryPrimitives.ReadUInt32BigEndian(d[(VolumeSpaceSizeAt + 4)..]);
        var root = d.Slice(RootRecordAt, RootRecordLength);
        if (root[0] < RootRecordLength || (root[IsoDirectoryRecord.FlagsAt] & IsoDirectoryRecord.FlagDirectory) == 0)
        {
            return null;
        }

        // Joliet: escape sequences %/@, %/C or %/E (UCS-2 levels 1-3) in a supplementary descriptor.
        var esc = d.Slice(EscapeSequencesAt, 3);
        bool joliet = d[0] == TypeSupplementary && esc[0] == (byte)'%' && esc[1] == (byte)'/' && esc[2] is (byte)'@' or (byte)'C' or (byte)'E';
        string volumeId = joliet
            ? Encoding.BigEndianUnicode.GetString(d.Slice(VolumeIdAt, VolumeIdLength)).TrimEnd(' ', '\0')
            : Encoding.Latin1.GetString(d.Slice(VolumeIdAt, VolumeIdLength)).TrimEnd(' ', '\0');
        return new IsoVolumeDescriptor(d[0], blockSize, blocks, volumeId, root.ToArray(), joliet, mismatch);
    }
}
