using System.Globalization;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// cpio archives in the ASCII formats: "newc" (070701), "crc" (070702) with 8-digit hex fields and
/// 4-byte alignment, and "odc" (070707) with octal fields. Names stay bytes (<see cref="EntryName"/>).
/// Member contents are slices.
/// </summary>
public sealed class CpioReader : IFormatReader
{
    private const int NewcHeader = 110;
    private const int OdcHeader = 76;
    // Names past MaxPathBytes are read and refused entry by entry; past this the header is not cpio.
    private const int MaxName = 1 << 20;

    /// <inheritdoc/>
    public string Format => "cpio";

    // "070701" newc, "070702" newc with CRC, "070707" odc (cpio(5)).
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("070701"u8.ToArray()), new("070702"u8.ToArray()), new("070707"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[NewcHeader];
        int n = source.ReadFully(0, h);
        return n >= OdcHeader && TryParseHeader(h[..n], out _);
    }

    private readonly record struct Header(bool Newc, int HeaderSize, long Ino, long Mode, long Uid, long Gid, long NLink, long MTime, long FileSize, long Dev, long RDevMajor, long RDevMinor, long NameSize);

    private static bool TryParseHeader(ReadOnlySpan<byte> h, out Header header)
    {
        header = default;
        if (h.Length >= NewcHeader && (h[..6].SequenceEqual("070701"u8) || h[..6].SequenceEqual("070702"u8)))
        {
            Span<long> f = stackalloc long[13];
            for (int i = 0; i < 13; i++)
            {
                if (!long.TryParse(h.Slice(6 + (8 * i), 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out f[i]))
                {
                    return false;
                }
            }

            header = new Header(true, NewcHeader, f[0], f[1], f[2], f[3], f[4], f[5], f[6], (f[7] << 32) | f[8], f[9], f[10], f[11]);
            return f[11] is > 0 and <= MaxName;
        }

        if (h.Length >= OdcHeader && h[..6].SequenceEqual("070707"u8))
        {
            ReadOnlySpan<int> widths = [6, 6, 6, 6, 6, 6, 6, 11, 6, 11];
            Span<long> f = stackalloc long[10];
            int pos = 6;
            for (int i = 0; i < widths.Length; i++)
            {
                if (!TryOctal(h.Slice(pos, widths[i]), out f[i]))
                {
                    return false;
                }

                pos += widths[i];
            }

            // dev ino mode uid gid nlink rdev mtime namesize filesize
            header = new Header(false, OdcHeader, f[1], f[2], f[3], f[4], f[5], f[7], f[9], f[0], f[6] >> 8, f[6] & 0xFF, f[8]);
            return f[8] is > 0 and <= MaxName;
        }

        return false;
    }

    private static bool TryOctal(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        foreach (byte b in s)
        {
            if (b is < (byte)'0' or > (byte)'7')
            {
                return false;
            }

            value = (value << 3) | (long)(b - '0');
        }

        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var entries = new EntryListBuilder(Format, context);
        byte[] h = new byte[NewcHeader];
        byte[] name = new byte[256];
        long pos = 0;
        bool sawTrailer = false;
        while (pos < source.Length)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            int n = source.ReadFully(pos, h);
            if (!TryParseHeader(h.AsSpan(0, n), out var hdr))
            {
                if (pos == 0)
                {
                    throw new CorruptDataException(Format, pos, "bad header");
                }

                entries.Warnings.Add($"cpio at 0x{pos:x}: bad header; archive read up to here");
                break;
            }

            // Header fields are at most 8 hex or 11 octal digits and the name at most MaxName bytes,
            // so these sums cannot overflow; each is still compared with what the input holds.
            long nameStart = pos + hdr.HeaderSize;
            int nameSize = (int)hdr.NameSize;
            if (nameSize > source.Length - nameStart)
            {
                entries.Warnings.Add($"cpio at 0x{pos:x}: name runs past the end of the input (truncated)");
                break;
            }

            if (name.Length < nameSize)
            {
                name = new byte[Math.Max(nameSize, name.Length * 2)];
            }

            source.ReadExactly(nameStart, name.AsSpan(0, nameSize), Format);

            // The name is NUL-terminated within namesize, as cpio(1) reads it.
            var nameBytes = name.AsSpan(0, nameSize);
            int nul = nameBytes.IndexOf((byte)0);
            nameBytes = nul < 0 ? nameBytes : nameBytes[..nul];
            long dataStart = hdr.Newc ? Align4(nameStart + nameSize) : nameStart + nameSize;
            if (dataStart > source.Length || hdr.FileSize > source.Length - dataStart)
            {
                entries.Warnings.Add($"cpio at 0x{pos:x}: member '{EntryName.Display(EntryName.Decode(nameBytes))}' data ({hdr.FileSize} bytes) runs past the end of the input (truncated)");
                break;
            }

            long dataEnd = dataStart + hdr.FileSize;
            long next = hdr.Newc ? Align4(dataEnd) : dataEnd;
            if (nameBytes.SequenceEqual("TRAILER!!!"u8))
            {
                pos = next;
                sawTrailer = true;
                break;
            }

            AddEntry(entries, hdr, EntryName.Decode(nameBytes), source.Slice(dataStart, hdr.FileSize), pos, context.Limits.MaxPathBytes);
            pos = next;
        }

        if (!sawTrailer)
        {
            entries.Warnings.Add($"cpio at 0x{pos:x}: no TRAILER!!! entry (truncated)");
        }

        return new ReadResult { Length = Math.Max(1, Math.Min(pos, source.Length)), FileSystem = entries.Build() }.WithWarnings(entries.Warnings);
    }

    private void AddEntry(EntryListBuilder entries, Header hdr, string raw, IByteSource data, long pos, int maxPathBytes)
    {
        var path = entries.NormalizeOrReject(raw, pos);
        if (path is null)
        {
            return;
        }

        var type = TypeOf(hdr.Mode);
        string? target = null;
        if (type == EntryType.Symlink)
        {
            // The target is the member data; Linux refuses targets past PATH_MAX, so a longer one is not a link.
            if (data.Length > maxPathBytes)
            {
                entries.Warnings.Add($"cpio at 0x{pos:x}: symlink '{EntryName.Display(raw)}' has a target of {data.Length} bytes, more than {maxPathBytes} (MaxPathBytes); not extracted");
                return;
            }

            var bytes = new byte[data.Length];
            data.ReadExactly(0, bytes, Format);
            target = EntryName.Decode(bytes);
        }

        var entry = new FsEntry
        {
            Path = path,
            Type = type,
            Mode = (int)(hdr.Mode & 0xFFF),
            Uid = hdr.Uid,
            Gid = hdr.Gid,
            MTime = hdr.MTime,
            Size = type == EntryType.File ? hdr.FileSize : 0,
            LinkTarget = target,
            Major = (int)hdr.RDevMajor,
            Minor = (int)hdr.RDevMinor,
            Content = type == EntryType.File ? data : null,
        };

        // Hard links share an inode; newc stores the data once, with the last name of the group.
        if (type == EntryType.File && hdr.NLink > 1)
        {
            entries.AddToLinkGroup($"cpio:{hdr.Dev}:{hdr.Ino}", path);
        }

        entries.Add(entry);
    }

    internal static EntryType TypeOf(long mode) => (mode & 0xF000) switch
    {
        0x4000 => EntryType.Dir,
        0xA000 => EntryType.Symlink,
        0x2000 => EntryType.CharDev,
        0x6000 => EntryType.BlockDev,
        0x1000 => EntryType.Fifo,
        0xC000 => EntryType.Socket,
        _ => EntryType.File,
    };

    private static long Align4(long v) => (v + 3) & ~3L;
}
