using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// tar: POSIX ustar, GNU (long names 'L'/'K', base-256 numbers) and pax ('x'/'g' path, linkpath, size).
/// Member contents are slices of the archive; nothing is copied.
/// </summary>
public sealed class TarReader : IFormatReader
{
    private const int Block = 512;
    private const long MaxExtendedHeader = 1 << 20;

    private static class FieldOffsets
    {
        public const int Name = 0;
        public const int Mode = 100;
        public const int Uid = 108;
        public const int Gid = 116;
        public const int Size = 124;
        public const int MTime = 136;
        public const int Checksum = 148;
        public const int TypeFlag = 156;
        public const int LinkName = 157;
        public const int Magic = 257;
        public const int DevMajor = 329;
        public const int DevMinor = 337;
        public const int Prefix = 345;
    }

    /// <inheritdoc/>
    public string Format => "tar";

    // "ustar" at 257: POSIX "ustar\0" + "00", GNU "ustar  \0".
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("ustar"u8.ToArray(), FieldOffsets.Magic)];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[Block];
        return source.ReadFully(0, h) == Block && ChecksumValid(h);
    }

    private static bool ChecksumValid(ReadOnlySpan<byte> h)
    {
        if (!TryParseNumber(h.Slice(FieldOffsets.Checksum, 8), out long stored))
        {
            return false;
        }

        long sum = 0;
        for (int i = 0; i < Block; i++)
        {
            sum += i is >= FieldOffsets.Checksum and < FieldOffsets.Checksum + 8 ? (byte)' ' : h[i];
        }

        return sum == stored;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var entries = new EntryListBuilder(Format, context);
        var warnings = entries.Warnings;
        byte[] h = new byte[Block];
        long pos = 0;
        string? longName = null;
        string? longLink = null;
        Dictionary<string, string>? pax = null;
        var globalPax = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (source.ReadFully(pos, h) < Block)
            {
                warnings.Add($"tar at 0x{pos:x}: archive ends without the end-of-archive blocks (truncated)");
                break;
            }

            if (h.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                pos += Block;
                if (source.ReadFully(pos, h) == Block && h.AsSpan().IndexOfAnyExcept((byte)0) < 0)
                {
                    pos += Block;
                }

                break;
            }

            if (!ChecksumValid(h))
            {
                if (pos == 0)
                {
                    throw new CorruptDataException(Format, pos, "header checksum mismatch");
                }

                warnings.Add($"tar at 0x{pos:x}: header checksum mismatch; archive read up to here");
                break;
            }

            char type = (char)h[FieldOffsets.TypeFlag];
            if (!TryParseNumber(h.AsSpan(FieldOffsets.Size, 12), out long size) || size < 0)
            {
                throw new CorruptDataException(Format, pos + FieldOffsets.Size, "bad size field");
            }

            if (pax is not null && pax.TryGetValue("size", out var paxSize) && long.TryParse(paxSize, NumberStyles.None, CultureInfo.InvariantCulture, out long ps))
            {
                size = ps;
            }

            long dataStart = pos + Block;
            long dataEnd = checked(dataStart + size);
            if (dataEnd > source.Length)
            {
                warnings.Add($"tar at 0x{pos:x}: member data ({size} bytes) runs past the end of the input (truncated)");
                break;
            }

            long next = checked(dataStart + ((size + Block - 1) / Block * Block));
            switch (type)
            {
                case 'L':
                case 'K':
                case 'x':
                case 'g':
                    {
                        if (size > MaxExtendedHeader)
                        {
                            throw new CorruptDataException(Format, pos, $"extended header of {size} bytes");
                        }

                        var text = new byte[size];
                        source.ReadExactly(dataStart, text, Format);
                        if (type == 'L')
                        {
                            longName = CString(text);
                        }
                        else if (type == 'K')
                        {
                            longLink = CString(text);
                        }
                        else
                        {
                            var parsed = ParsePax(text);
                            if (type == 'g')
                            {
                                foreach (var (k, v) in parsed)
                                {
                                    globalPax[k] = v;
                                }
                            }
                            else
                            {
                                pax = parsed;
                            }
                        }

                        pos = next;
                        continue;
                    }
            }

            string name = pax?.GetValueOrDefault("path") ?? globalPax.GetValueOrDefault("path") ?? longName ?? UstarName(h);
            string link = pax?.GetValueOrDefault("linkpath") ?? longLink ?? CString(h.AsSpan(FieldOffsets.LinkName, 100));
            longName = longLink = null;
            pax = null;
            AddEntry(entries, h, type, name, link, size, source.Slice(dataStart, size), pos);
            pos = next;
        }

        return new ReadResult { Length = Math.Min(pos, source.Length), FileSystem = entries.Build(), AnalyseMembers = true }.WithWarnings(warnings);
    }

    private void AddEntry(EntryListBuilder entries, byte[] h, char type, string name, string link, long size, IByteSource data, long pos)
    {
        var path = entries.NormalizeOrReject(name, pos);
        if (path is null)
        {
            return;
        }

        TryParseNumber(h.AsSpan(FieldOffsets.Mode, 8), out long mode);
        TryParseNumber(h.AsSpan(FieldOffsets.Uid, 8), out long uid);
        TryParseNumber(h.AsSpan(FieldOffsets.Gid, 8), out long gid);
        TryParseNumber(h.AsSpan(FieldOffsets.MTime, 12), out long mtime);
        TryParseNumber(h.AsSpan(FieldOffsets.DevMajor, 8), out long major);
        TryParseNumber(h.AsSpan(FieldOffsets.DevMinor, 8), out long minor);
        var entryType = type switch
        {
            '0' or '\0' or '7' or 'S' => EntryType.File,
            '2' => EntryType.Symlink,
            '3' => EntryType.CharDev,
            '4' => EntryType.BlockDev,
            '5' => EntryType.Dir,
            '6' => EntryType.Fifo,
            '1' => EntryType.File,
            _ => (EntryType?)null,
        };
        if (entryType is null)
        {
            entries.Warnings.Add($"tar at 0x{pos:x}: entry '{name}' has unknown type '{type}'; read as a file");
            entryType = EntryType.File;
        }

        var entry = new FsEntry
        {
            Path = path,
            Type = entryType.Value,
            Mode = (int)(mode & 0xFFF),
            Uid = uid,
            Gid = gid,
            MTime = mtime,
            Size = entryType == EntryType.File ? size : 0,
            LinkTarget = entryType == EntryType.Symlink ? link : null,
            Major = (int)major,
            Minor = (int)minor,
            Content = entryType == EntryType.File ? data : null,
        };
        if (type == '1')
        {
            entries.AddHardLink(path, link, entry, pos);
            return;
        }

        entries.Add(entry);
    }

    private static string UstarName(ReadOnlySpan<byte> h)
    {
        string name = CString(h.Slice(FieldOffsets.Name, 100));
        bool ustar = h.Slice(FieldOffsets.Magic, 6).SequenceEqual("ustar\0"u8);
        string prefix = ustar ? CString(h.Slice(FieldOffsets.Prefix, 155)) : "";
        return prefix.Length > 0 ? prefix + "/" + name : name;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? field : field[..nul]);
    }

    private static Dictionary<string, string> ParsePax(ReadOnlySpan<byte> text)
    {
        // Records are "LEN KEY=VALUE\n" (POSIX pax, extended header format).
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        int pos = 0;
        while (pos < text.Length)
        {
            int space = text[pos..].IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(text.Slice(pos, space), NumberStyles.None, CultureInfo.InvariantCulture, out int len) || len <= space + 1 || pos + len > text.Length)
            {
                break;
            }

            var record = text.Slice(pos + space + 1, len - space - 2);
            int eq = record.IndexOf((byte)'=');
            if (eq > 0)
            {
                result[Encoding.UTF8.GetString(record[..eq])] = Encoding.UTF8.GetString(record[(eq + 1)..]);
            }

            pos += len;
        }

        return result;
    }

    /// <summary>Octal (space/NUL terminated) or GNU base-256 (high bit set) number fields.</summary>
    internal static bool TryParseNumber(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            if ((field[0] & 0x40) != 0 || field.Length > 9)
            {
                return false;
            }

            value = field[0] & 0x3F;
            foreach (byte b in field[1..])
            {
                value = (value << 8) | b;
            }

            return true;
        }

        var trimmed = field.Trim((ReadOnlySpan<byte>)[0, (byte)' ']);
        foreach (byte b in trimmed)
        {
            if (b is < (byte)'0' or > (byte)'7' || value > long.MaxValue >> 3)
            {
                return false;
            }

            value = (value << 3) | (long)(b - '0');
        }

        return true;
    }
}
