using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace FirmwareGate.Core.Unpacking;

/// <summary>
/// Names in firmware are bytes, not text: Linux accepts any byte but '/' and NUL. Names are decoded
/// losslessly: valid UTF-8 becomes its characters, and each byte of an invalid sequence becomes a
/// lone low surrogate U+DC80..U+DCFF (Python's "surrogateescape"). Two distinct byte names stay two
/// distinct strings, <see cref="ToBytes"/> restores the exact bytes for the file on disk, and
/// <see cref="Display"/> shows the escaped bytes as <c>\xNN</c> in reports and messages.
/// </summary>
public static class EntryName
{
    private const char EscapeBase = '\uDC00';

    /// <summary>Decodes name bytes without losing any of them.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var sb = new StringBuilder(bytes.Length);
        Span<char> pair = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int consumed) == OperationStatus.Done)
            {
                sb.Append(pair[..rune.EncodeToUtf16(pair)]);
                bytes = bytes[consumed..];
            }
            else
            {
                sb.Append((char)(EscapeBase + bytes[0]));
                bytes = bytes[1..];
            }
        }

        return sb.ToString();
    }

    /// <summary>True when the name holds escaped bytes (it was not valid UTF-8).</summary>
    public static bool HasEscapedBytes(string name)
    {
        for (int i = 0; i < name.Length; i++)
        {
            if (IsEscapedByte(name, i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The exact bytes a decoded name came from.</summary>
    public static byte[] ToBytes(string name)
    {
        if (!HasEscapedBytes(name))
        {
            return Encoding.UTF8.GetBytes(name);
        }

        var output = new ArrayBufferWriter<byte>(name.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (IsEscapedByte(name, i))
            {
                output.Write([(byte)(c - EscapeBase)]);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                output.Write(utf8[..new Rune(c, name[i + 1]).EncodeToUtf8(utf8)]);
                i++;
            }
            else
            {
                output.Write(utf8[..new Rune(char.IsSurrogate(c) ? '\uFFFD' : c).EncodeToUtf8(utf8)]);
            }
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The form a name takes once written to disk and read back: a lone surrogate that is not an
    /// escaped byte (from a UTF-16 name, as 7z stores them) becomes U+FFFD. Names that come from
    /// strings rather than bytes go through this, so two names that land on one file on disk are
    /// one name in the tree too.
    /// </summary>
    public static string Canonical(string name) => Decode(ToBytes(name));

    /// <summary>
    /// <see cref="Display"/> cut to at most 200 characters (its start and end kept) for warnings, so a
    /// crafted 1 MiB path does not make a 1 MiB message.
    /// </summary>
    public static string DisplayShortened(string name)
    {
        string shown = Display(name);
        return shown.Length <= 200 ? shown : string.Concat(shown.AsSpan(0, 100), "...", shown.AsSpan(shown.Length - 97));
    }

    /// <summary>The name for people: escaped bytes shown as <c>\xNN</c>, everything else as is.</summary>
    public static string Display(string name)
    {
        if (!HasEscapedBytes(name))
        {
            return name;
        }

        var sb = new StringBuilder(name.Length + 16);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (IsEscapedByte(name, i))
            {
                sb.Append("\\x").Append(((int)(c - EscapeBase)).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    // Only U+DC80..U+DCFF: a lone low surrogate never comes out of valid UTF-8, and bytes below 0x80
    // are always valid on their own, so the mapping is one to one.
    // A low surrogate right after a high one is half of a real character, not an escaped byte.
    private static bool IsEscapedByte(string s, int i) =>
        s[i] is >= '\uDC80' and <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(s[i - 1]));
}
