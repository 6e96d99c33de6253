using System.Buffers.Binary;
using System.Text;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Iso9660;

/// <summary>
/// Reads System Use Sharing Protocol entries (IEEE P1281, SUSP 1.12) and the Rock Ridge entries in them
/// (IEEE P1282, RRIP 1.12): PX, PN, SL, NM, CL, PL, RE, TF, ZF, with CE continuation areas followed a
/// bounded number of times and never twice to one place.
/// </summary>
internal sealed class SuspParser(IByteSource device, int blockSize, Action<string, string> warn)
{
    // SUSP 5.1: a continuation area chain longer than this is treated as a loop (Linux stops at 32).
    private const int MaxContinuations = 32;
    private const int MaxContinuationBytes = 64 * 1024;
    private const int MaxNameBytes = 4096;
    private const int MaxLinkChars = 4096;
    private const int EntryHeader = 4;

    // SUSP 4.1: every entry starts with a signature word, a length and a version.
    private static ushort Sig(char a, char b) => (ushort)((a << 8) | b);

    private static readonly ushort Ce = Sig('C', 'E');
    private static readonly ushort St = Sig('S', 'T');
    private static readonly ushort Px = Sig('P', 'X');
    private static readonly ushort Pn = Sig('P', 'N');
    private static readonly ushort Sl = Sig('S', 'L');
    private static readonly ushort Nm = Sig('N', 'M');
    private static readonly ushort Cl = Sig('C', 'L');
    private static readonly ushort Re = Sig('R', 'E');
    private static readonly ushort Tf = Sig('T', 'F');
    private static readonly ushort Zf = Sig('Z', 'F');
    private static readonly ushort Sp = Sig('S', 'P');
    private static readonly ushort Er = Sig('E', 'R');
    private static readonly ushort Rr = Sig('R', 'R');

    /// <summary>True when the system use area of the root's "." record starts with SP (SUSP 5.3); gives the bytes to skip.</summary>
    public static bool TryReadSp(ReadOnlySpan<byte> area, out int skip)
    {
        skip = 0;
        if (area.Length >= 7 && area[0] == 'S' && area[1] == 'P' && area[2] >= 7 && area[4] == 0xBE && area[5] == 0xEF)
        {
            skip = area[6];
            return true;
        }

        return false;
    }

    /// <summary>True when the area carries Rock Ridge or its ER/RR markers (for images without SP).</summary>
    public static bool LooksLikeRockRidge(ReadOnlySpan<byte> area)
    {
        while (area.Length >= EntryHeader && area[2] >= EntryHeader && area[2] <= area.Length)
        {
            ushort sig = BinaryPrimitives.ReadUInt16BigEndian(area);
            if (sig == Px || sig == Nm || sig == Rr || sig == Er || sig == Tf || sig == Sp)
            {
                return true;
            }

            area = area[area[2]..];
        }

        return false;
    }

    /// <summary>Parses a record's system use area (after the SP skip) and its continuation areas.</summary>
    public RockRidgeEntry Parse(ReadOnlySpan<byte> area, string where)
    {
        var rr = new RockRidgeEntry();
        HashSet<long>? visited = null;
        (long Offset, int Length)? next = ParseArea(area, rr, where);
        int hops = 0;
        while (next is { } ce)
        {
            visited ??= [];
            if (++hops > MaxContinuations || !visited.Add(ce.Offset))
            {
                warn("ce-loop", $"iso9660: {where}: continuation areas loop or chain more than {MaxContinuations} times; the rest is ignored");
                break;
            }

            byte[] buffer = new byte[ce.Length];
            int n = device.ReadFully(ce.Offset, buffer);
            if (n < ce.Length)
            {
                warn("ce-range", $"iso9660: {where}: continuation area at 0x{ce.Offset:x} runs past the end of the image");
            }

            next = ParseArea(buffer.AsSpan(0, n), rr, where);
        }

        return rr;
    }

    private (long Offset, int Length)? ParseArea(ReadOnlySpan<byte> area, RockRidgeEntry rr, string where)
    {
        (long, int)? continuation = null;
        while (area.Length >= EntryHeader)
        {
            int length = area[2];
            if (length < EntryHeader || length > area.Length)
            {
                // SUSP 4.1: an entry that does not fit ends the area (common zero padding included).
                break;
            }

            var e = area[..length];
            area = area[length..];
            ushort sig = BinaryPrimitives.ReadUInt16BigEndian(e);
            if (sig == St)
            {
                break;
            }

            if (sig == Ce && length >= 28)
            {
                long location = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
                long offset = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
                long size = BinaryPrimitives.ReadUInt32LittleEndian(e[20..]);
                if (size > MaxContinuationBytes || size == 0)
                {
                    warn("ce-range", $"iso9660: {where}: continuation area of {size} bytes ignored");
                }
                else
                {
                    continuation = ((location * blockSize) + offset, (int)size);
                }
            }
            else
            {
                ParseRockRidge(sig, e, rr);
            }
        }

        return continuation;
    }

    private static void ParseRockRidge(ushort sig, ReadOnlySpan<byte> e, RockRidgeEntry rr)
    {
        if (sig == Px && e.Length >= 36)
        {
            // RRIP 4.1.1: mode, links, uid, gid (and serial in 1.12), each both-endian 32-bit.
            rr.HasPosix = true;
            rr.Mode = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
            rr.Links = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
            rr.Uid = BinaryPrimitives.ReadUInt32LittleEndian(e[20..]);
            rr.Gid = BinaryPrimitives.ReadUInt32LittleEndian(e[28..]);
            rr.Serial = e.Length >= 44 ? BinaryPrimitives.ReadUInt32LittleEndian(e[36..]) : 0;
            rr.Any = true;
        }
        else if (sig == Pn && e.Length >= 20)
        {
            rr.HasDevice = true;
            rr.DeviceHigh = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
            rr.DeviceLow = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
            rr.Any = true;
        }
        else if (sig == Nm && e.Length >= 5)
        {
            // RRIP 4.1.4: flags bit 1 CURRENT and bit 2 PARENT name "." and ".."; the content is appended.
            rr.Name ??= [];
            if ((e[4] & 0x06) == 0 && rr.Name.Count + e.Length - 5 <= MaxNameBytes)
            {
                rr.Name.AddRange(e[5..]);
            }

            rr.Any = true;
        }
        else if (sig == Sl && e.Length >= 5)
        {
            ParseSymlink(e[5..], rr);
            rr.Any = true;
        }
        else if (sig == Tf && e.Length >= 5)
        {
            ParseTimes(e, rr);
            rr.Any = true;
        }
        else if (sig == Cl && e.Length >= 12)
        {
            rr.ChildLink = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
            rr.Any = true;
        }
        else if (sig == Re)
        {
            rr.Relocated = true;
            rr.Any = true;
        }
        else if (sig == Zf)
        {
            rr.Zisofs = true;
        }
    }

    // RRIP 4.1.3.1: components of flags, length and content; flag 0 CONTINUE (the component goes on in
    // the next one), 1 CURRENT, 2 PARENT, 3 ROOT. Components of several SL entries form one path.
    private static void ParseSymlink(ReadOnlySpan<byte> components, RockRidgeEntry rr)
    {
        var link = rr.Link ??= new StringBuilder();
        while (components.Length >= 2)
        {
            byte flags = components[0];
            int length = components[1];
            if (2 + length > components.Length)
            {
                break;
            }

            var content = components.Slice(2, length);
            components = components[(2 + length)..];
            if (link.Length > MaxLinkChars)
            {
                return;
            }

            if ((flags & 0x08) != 0)
            {
                link.Append('/');
                rr.LinkNeedsSeparator = false;
                continue;
            }

            if (rr.LinkNeedsSeparator)
            {
                link.Append('/');
            }

            link.Append((flags & 0x02) != 0 ? "." : (flags & 0x04) != 0 ? ".." : Unpacking.EntryName.Decode(content));
            rr.LinkNeedsSeparator = (flags & 0x01) == 0;
        }
    }

    // RRIP 4.1.6: flags say which stamps follow, in order creation, modify, access, attributes, ...;
    // bit 7 selects the 17-byte form (ECMA-119 8.4.26.1) over the 7-byte one (9.1.5).
    private static void ParseTimes(ReadOnlySpan<byte> e, RockRidgeEntry rr)
    {
        byte flags = e[4];
        if ((flags & 0x02) == 0)
        {
            return;
        }

        int size = (flags & 0x80) != 0 ? 17 : 7;
        int at = 5 + ((flags & 0x01) != 0 ? size : 0);
        if (at + size <= e.Length)
        {
            rr.MTime = size == 17 ? IsoTime.FromDigits(e.Slice(at, size)) : IsoTime.FromRecordDate(e.Slice(at, size));
        }
    }
}
