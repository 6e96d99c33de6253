using System.Buffers.Binary;
using System.Text;

namespace FirmwareGate.Core.Tests.Formats.Iso9660;

/// <summary>
/// Writes small ISO 9660 images from the ECMA-119 layout (4th edition): a primary volume descriptor at
/// sector 16 (8.4), a terminator (8.3), and directory records (9.1) placed by the caller; SUSP and Rock
/// Ridge entries from IEEE P1281 (SUSP 1.12) and P1282 (RRIP 1.12).
/// </summary>
internal sealed class IsoImageBuilder(int sectors)
{
    public const int Sector = 2048;

    public byte[] Bytes { get; } = new byte[sectors * Sector];

    /// <summary>Primary descriptor with the root directory at <paramref name="rootExtent"/>, then the terminator.</summary>
    public IsoImageBuilder Descriptors(uint rootExtent, uint rootSize, uint volumeBlocks = 0, bool mismatchedEndian = false)
    {
        var pvd = Bytes.AsSpan(16 * Sector, Sector);
        pvd[0] = 1;
        "CD001"u8.CopyTo(pvd[1..]);
        pvd[6] = 1;
        Encoding.ASCII.GetBytes("HANDMADE".PadRight(32)).CopyTo(pvd[40..]);
        Both32(pvd[80..], volumeBlocks == 0 ? (uint)sectors : volumeBlocks);
        BinaryPrimitives.WriteUInt16LittleEndian(pvd[128..], Sector);
        BinaryPrimitives.WriteUInt16BigEndian(pvd[130..], mismatchedEndian ? (ushort)512 : (ushort)Sector);
        Record(".", rootExtent, rootSize, 2, nameByte: 0).CopyTo(pvd[156..]);
        var term = Bytes.AsSpan(17 * Sector, Sector);
        term[0] = 255;
        "CD001"u8.CopyTo(term[1..]);
        term[6] = 1;
        return this;
    }

    /// <summary>Writes records one after another from the start of a sector, padding to the next sector when one would cross (6.8.1.1).</summary>
    public IsoImageBuilder Directory(int sector, params byte[][] records)
    {
        int pos = sector * Sector;
        foreach (var r in records)
        {
            if ((pos % Sector) + r.Length > Sector)
            {
                pos += Sector - (pos % Sector);
            }

            r.CopyTo(Bytes, pos);
            pos += r.Length;
        }

        return this;
    }

    public IsoImageBuilder Data(int sector, byte[] data)
    {
        data.CopyTo(Bytes, sector * Sector);
        return this;
    }

    /// <summary>A directory record (9.1); <paramref name="nameByte"/> 0 or 1 makes "." or "..".</summary>
    public static byte[] Record(string name, uint extent, uint size, byte flags, byte[]? systemUse = null, int nameByte = -1)
    {
        byte[] nameBytes = nameByte >= 0 ? [(byte)nameByte] : Encoding.ASCII.GetBytes(name);
        int length = 33 + nameBytes.Length + ((nameBytes.Length & 1) == 0 ? 1 : 0) + (systemUse?.Length ?? 0);
        length += length & 1;
        var r = new byte[length];
        r[0] = (byte)length;
        Both32(r.AsSpan(2), extent);
        Both32(r.AsSpan(10), size);
        r[18] = 123; // 2023
        r[19] = 11;
        r[20] = 14;
        r[25] = flags;
        r[28] = 1;
        r[31] = 1;
        r[32] = (byte)nameBytes.Length;
        nameBytes.CopyTo(r, 33);
        systemUse?.CopyTo(r, 33 + nameBytes.Length + ((nameBytes.Length & 1) == 0 ? 1 : 0));
        return r;
    }

    /// <summary>One SUSP entry: signature, length, version 1, data.</summary>
    public static byte[] Susp(string signature, params byte[] data)
    {
        var e = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(signature).CopyTo(e, 0);
        e[2] = (byte)e.Length;
        e[3] = 1;
        data.CopyTo(e, 4);
        return e;
    }

    /// <summary>SUSP 5.1 CE: block, offset and length of the continuation area, each both-endian.</summary>
    public static byte[] Continuation(uint block, uint offset, uint length)
    {
        var d = new byte[24];
        Both32(d, block);
        Both32(d.AsSpan(8), offset);
        Both32(d.AsSpan(16), length);
        return Susp("CE", d);
    }

    public static void Both32(Span<byte> at, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(at, value);
        BinaryPrimitives.WriteUInt32BigEndian(at[4..], value);
    }
}
