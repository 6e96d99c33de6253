using System.Buffers.Binary;
using System.IO.Hashing;

namespace FirmwareGate.Core.Formats.Ubi;

/// <summary>
/// UBI on-flash headers, from the kernel's include/uapi/mtd/ubi-media.h (big-endian): the erase counter
/// header at the start of every PEB, the volume identifier header at vid_hdr_offset, and the volume table record.
/// </summary>
internal static class UbiHeaders
{
    /// <summary>Size of the EC and VID headers (UBI_EC_HDR_SIZE, UBI_VID_HDR_SIZE).</summary>
    public const int HeaderSize = 64;

    /// <summary>Bytes covered by a header CRC (UBI_EC_HDR_SIZE_CRC, UBI_VID_HDR_SIZE_CRC).</summary>
    public const int HeaderCrcSpan = 60;

    /// <summary>One volume table record (UBI_VTBL_RECORD_SIZE).</summary>
    public const int VtblRecordSize = 172;

    /// <summary>Bytes covered by a record's CRC (UBI_VTBL_RECORD_SIZE_CRC).</summary>
    public const int VtblRecordCrcSpan = 168;

    /// <summary>Most volumes a UBI device holds (UBI_MAX_VOLUMES).</summary>
    public const int MaxVolumes = 128;

    /// <summary>The layout volume holding the volume table (UBI_LAYOUT_VOLUME_ID = UBI_INTERNAL_VOL_START).</summary>
    public const uint LayoutVolumeId = 0x7FFFEFFF;

    /// <summary>Longest volume name (UBI_VOL_NAME_MAX).</summary>
    public const int MaxNameLength = 127;

    /// <summary>vol_type of a dynamic volume (UBI_VID_DYNAMIC, UBI_DYNAMIC_VOLUME).</summary>
    public const int Dynamic = 1;

    /// <summary>vol_type of a static volume (UBI_VID_STATIC, UBI_STATIC_VOLUME).</summary>
    public const int Static = 2;

    // "UBI#" 55 42 49 23 (UBI_EC_HDR_MAGIC 0x55424923) and "UBI!" 55 42 49 21 (UBI_VID_HDR_MAGIC 0x55424921).
    public const uint EcMagic = 0x55424923;
    public const uint VidMagic = 0x55424921;

    /// <summary>struct ubi_ec_hdr field offsets.</summary>
    public static class Ec
    {
        public const int Magic = 0;
        public const int Version = 4;
        public const int EraseCounter = 8;
        public const int VidHdrOffset = 16;
        public const int DataOffset = 20;
        public const int ImageSeq = 24;
        public const int HdrCrc = 60;
    }

    /// <summary>struct ubi_vid_hdr field offsets.</summary>
    public static class Vid
    {
        public const int Magic = 0;
        public const int Version = 4;
        public const int VolType = 5;
        public const int CopyFlag = 6;
        public const int VolId = 8;
        public const int Lnum = 12;
        public const int DataSize = 20;
        public const int UsedEbs = 24;
        public const int DataPad = 28;
        public const int DataCrc = 32;
        public const int Sqnum = 40;
        public const int HdrCrc = 60;
    }

    /// <summary>struct ubi_vtbl_record field offsets.</summary>
    public static class Vtbl
    {
        public const int ReservedPebs = 0;
        public const int Alignment = 4;
        public const int DataPad = 8;
        public const int VolType = 12;
        public const int UpdMarker = 13;
        public const int NameLen = 14;
        public const int Name = 16;
        public const int Crc = 168;
    }

    /// <summary>
    /// UBI's CRC-32: crc32_le seeded with UBI_CRC32_INIT (0xFFFFFFFF) and no final inversion, which is
    /// the complement of the zlib CRC-32.
    /// </summary>
    public static uint Crc(ReadOnlySpan<byte> data) => ~Crc32.HashToUInt32(data);

    /// <summary>The erase counter header's fields.</summary>
    public readonly record struct EcHeader(int Version, ulong EraseCounter, uint VidHdrOffset, uint DataOffset, uint ImageSeq)
    {
        /// <summary>Parses and checks magic, version and CRC; false when any fails.</summary>
        public static bool TryParse(ReadOnlySpan<byte> h, out EcHeader header, out bool crcValid)
        {
            header = default;
            crcValid = false;
            if (h.Length < HeaderSize || BinaryPrimitives.ReadUInt32BigEndian(h) != EcMagic)
            {
                return false;
            }

            crcValid = Crc(h[..HeaderCrcSpan]) == BinaryPrimitives.ReadUInt32BigEndian(h[Ec.HdrCrc..]);
            header = new EcHeader(
                h[Ec.Version],
                BinaryPrimitives.ReadUInt64BigEndian(h[Ec.EraseCounter..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[Ec.VidHdrOffset..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[Ec.DataOffset..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[Ec.ImageSeq..]));
            return true;
        }

        /// <summary>VID header after the EC header, data after the VID header (ubi_io_read_ec_hdr's checks).</summary>
        public bool IsPlausible =>
            Version == 1 && VidHdrOffset >= HeaderSize && DataOffset >= VidHdrOffset + HeaderSize && DataOffset <= 1u << 24;
    }

    /// <summary>The volume identifier header's fields.</summary>
    public readonly record struct VidHeader(int VolType, bool CopyFlag, uint VolId, uint Lnum, uint DataSize, uint UsedEbs, uint DataPad, uint DataCrc, ulong Sqnum)
    {
        /// <summary>Parses a header whose magic matched; false when the CRC does not.</summary>
        public static bool TryParse(ReadOnlySpan<byte> h, out VidHeader header)
        {
            header = default;
            if (Crc(h[..HeaderCrcSpan]) != BinaryPrimitives.ReadUInt32BigEndian(h[Vid.HdrCrc..]))
            {
                return false;
            }

            header = new VidHeader(
                h[Vid.VolType],
                h[Vid.CopyFlag] != 0,
                BinaryPrimitives.ReadUInt32BigEndian(h[Vid.VolId..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[Vid.Lnum..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[Vid.DataSize..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[Vid.UsedEbs..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[Vid.DataPad..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[Vid.DataCrc..]),
                BinaryPrimitives.ReadUInt64BigEndian(h[Vid.Sqnum..]));
            return true;
        }
    }
}
