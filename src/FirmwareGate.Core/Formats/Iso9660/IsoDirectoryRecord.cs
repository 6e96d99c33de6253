using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.Iso9660;

/// <summary>
/// One directory record (ECMA-119 9.1). Both-endian fields are read from their little-endian half;
/// <see cref="EndianMismatch"/> tells when the big-endian half disagrees.
/// </summary>
internal readonly record struct IsoDirectoryRecord(
    int Length, int ExtAttrBlocks, uint Extent, uint DataLength, long MTime, byte Flags, byte FileUnitSize, byte InterleaveGap,
    int NameAt, int NameLength, int SystemUseAt, bool EndianMismatch)
{
    /// <summary>Smallest record: 33 fixed bytes and a one-byte name (9.1).</summary>
    public const int MinLength = 34;

    // 9.1 field positions (BP - 1).
    public const int ExtAttrLengthAt = 1;
    public const int ExtentAt = 2;
    public const int DataLengthAt = 10;
    public const int DateAt = 18;
    public const int FlagsAt = 25;
    public const int FileUnitSizeAt = 26;
    public const int InterleaveGapAt = 27;
    public const int NameLengthAt = 32;
    public const int NameStart = 33;

    // 9.1.6 file flags.
    public const byte FlagHidden = 0x01;
    public const byte FlagDirectory = 0x02;
    public const byte FlagAssociated = 0x04;
    public const byte FlagMultiExtent = 0x80;

    public bool IsDirectory => (Flags & FlagDirectory) != 0;

    public bool IsAssociated => (Flags & FlagAssociated) != 0;

    /// <summary>Not the final record of a multi-extent file (9.1.6, bit 7).</summary>
    public bool HasMoreExtents => (Flags & FlagMultiExtent) != 0;

    /// <summary>Parses a record at the start of <paramref name="r"/>; null when its lengths do not fit.</summary>
    public static IsoDirectoryRecord? TryParse(ReadOnlySpan<byte> r)
    {
        if (r.Length < MinLength || r[0] < MinLength || r[0] > r.Length)
        {
            return null;
        }

        int length = r[0];
        int nameLength = r[NameLengthAt];
        if (nameLength == 0 || NameStart + nameLength > length)
        {
            return null;
        }

        uint extent = BinaryPrimitives.ReadUInt32LittleEndian(r[ExtentAt..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(r[DataLengthAt..]);
        bool mismatch = extent != BinaryPrimitives.ReadUInt32BigEndian(r[(ExtentAt + 4)..])
            || size != BinaryPrimitives.ReadUInt32BigEndian(r[(DataLengthAt + 4)..]);

        // A padding byte follows an even-length name (9.1.12); the system use area follows (9.1.13).
        int systemUse = NameStart + nameLength + ((nameLength & 1) == 0 ? 1 : 0);
        return new IsoDirectoryRecord(length, r[ExtAttrLengthAt], extent, size, IsoTime.FromRecordDate(r.Slice(DateAt, 7)), r[FlagsAt], r[FileUnitSizeAt], r[InterleaveGapAt],
            NameStart, nameLength, Math.Min(systemUse, length), mismatch);
    }
}
