using System.Runtime.InteropServices;
using System.Text;

namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>
/// The system's libxcrypt (libcrypt.so.1), through <c>crypt_rn</c>: every algorithm it was built with, yescrypt,
/// scrypt and gost-yescrypt included. Absent on hosts without it (then <see cref="IsAvailable"/> is false).
/// </summary>
internal static unsafe partial class LibXCrypt
{
    private const string Library = "libcrypt.so.1";

    // sizeof(struct crypThreadData) in libxcrypt is 32768 + 2048; a larger buffer is allowed (crypt_rn takes its size).
    private const int DataSize = 65536;

    [ThreadStatic]
    private static byte[]? ThreadData;

    private static readonly Lazy<bool> Available = new(Probe);

    /// <summary>True when libcrypt.so.1 loads and exports crypt_rn.</summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>crypt(3) of <paramref name="password"/> with <paramref name="setting"/>; null when libxcrypt is absent or rejects the setting (an algorithm it was built without).</summary>
    public static string? Hash(ReadOnlySpan<byte> password, string setting)
    {
        if (!IsAvailable || password.Contains((byte)0))
        {
            return null;
        }

        byte[] phrase = new byte[password.Length + 1];
        password.CopyTo(phrase);
        byte[] settingBytes = new byte[Encoding.ASCII.GetByteCount(setting) + 1];
        Encoding.ASCII.GetBytes(setting, settingBytes);
        byte[] data = ThreadData ??= new byte[DataSize];
        fixed (byte* p = phrase)
        fixed (byte* s = settingBytes)
        fixed (byte* d = data)
        {
            byte* result = CryptRn(p, s, d, DataSize);
            if (result is null || *result == (byte)'*')
            {
                return null;
            }

            return Marshal.PtrToStringAnsi((nint)result);
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }

        if (!NativeLibrary.TryLoad(Library, typeof(LibXCrypt).Assembly, null, out nint handle))
        {
            return false;
        }

        return NativeLibrary.TryGetExport(handle, "crypt_rn", out _);
    }

    [LibraryImport(Library, EntryPoint = "crypt_rn")]
    private static partial byte* CryptRn(byte* phrase, byte* setting, byte* data, int size);
}
