using System.Text;

namespace FirmwareGate.Core.Tests.Support;

/// <summary>
/// Builds ustar archives byte by byte (POSIX.1-1988 headers, GNU 'L'/'K' records for names longer
/// than the 100-byte field), so tests can craft any member: escaping links, long names, raw bytes.
/// </summary>
internal sealed class TarWriter
{
    private const int Block = 512;
    private readonly MemoryStream _out = new();

    public TarWriter Directory(string name, int mode = 0x1ED) => Entry(Bytes(name), '5', [], mode, []);

    public TarWriter File(string name, byte[] content, int mode = 0x1A4) => Entry(Bytes(name), '0', content, mode, []);

    public TarWriter File(byte[] name, byte[] content, int mode = 0x1A4) => Entry(name, '0', content, mode, []);

    public TarWriter Symlink(string name, string target) => Entry(Bytes(name), '2', [], 0x1FF, Bytes(target));

    public TarWriter HardLink(string name, string target) => Entry(Bytes(name), '1', [], 0x1A4, Bytes(target));

    /// <summary>The archive with its two zero end blocks.</summary>
    public byte[] ToArray()
    {
        var copy = new MemoryStream();
        _out.Position = 0;
        _out.CopyTo(copy);
        copy.Write(new byte[Block * 2]);
        return copy.ToArray();
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private TarWriter Entry(byte[] name, char type, byte[] content, int mode, byte[] link)
    {
        if (name.Length > 100)
        {
            Header("././@LongLink"u8.ToArray(), 'L', name.Length + 1, 0x1A4, []);
            Data([.. name, 0]);
        }

        if (link.Length > 100)
        {
            Header("././@LongLink"u8.ToArray(), 'K', link.Length + 1, 0x1A4, []);
            Data([.. link, 0]);
        }

        Header(name.Length > 100 ? name[..100] : name, type, content.Length, mode, link.Length > 100 ? link[..100] : link);
        Data(content);
        return this;
    }

    private void Header(byte[] name, char type, long size, int mode, byte[] link)
    {
        var h = new byte[Block];
        name.CopyTo(h, 0);
        Octal(h, 100, 8, mode);
        Octal(h, 108, 8, 0);
        Octal(h, 116, 8, 0);
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, 1700000000);
        h[156] = (byte)type;
        link.CopyTo(h, 157);
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        "    "u8.CopyTo(h.AsSpan(148));
        "    "u8.CopyTo(h.AsSpan(152));
        long sum = h.Sum(b => (long)b);
        Octal(h, 148, 7, sum);
        _out.Write(h);
    }

    private void Data(byte[] content)
    {
        _out.Write(content);
        int pad = (Block - (content.Length % Block)) % Block;
        _out.Write(new byte[pad]);
    }

    private static void Octal(byte[] h, int offset, int width, long value)
    {
        string s = Convert.ToString(value, 8).PadLeft(width - 1, '0');
        Encoding.ASCII.GetBytes(s).CopyTo(h, offset);
        h[offset + width - 1] = 0;
    }
}
