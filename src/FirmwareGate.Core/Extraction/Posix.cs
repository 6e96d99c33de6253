using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FirmwareGate.Core.Extraction;

/// <summary>
/// The Linux calls extraction makes through directory handles (openat(2) and friends), so that no
/// write, chmod, link or copy ever follows a symlink: names are single components below a directory
/// handle that was itself opened with O_NOFOLLOW. Names are passed as their exact bytes.
/// </summary>
internal static unsafe partial class Posix
{
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int ELOOP = 40;

    private const int ORdOnly = 0;
    private const int OWrOnly = 1;
    private const int OCreat = 0x40;
    private const int OExcl = 0x80;
    private const int OCloExec = 0x80000;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const ushort SIfMt = 0xF000;

    // O_DIRECTORY and O_NOFOLLOW differ between architectures (asm-generic/fcntl.h vs arch/arm*/fcntl.h).
    private static readonly (int Directory, int NoFollow) ArchFlags = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => (0x10000, 0x20000),
        Architecture.Arm64 or Architecture.Arm or Architecture.Armv6 => (0x4000, 0x8000),
        _ => (0, 0),
    };

    /// <summary>True where extraction can run: Linux on an architecture whose open flags are known.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && ArchFlags.Directory != 0;

    /// <summary>Opens an absolute directory path (the output root, which the user chose); returns the fd.</summary>
    public static int OpenRoot(string path)
    {
        int fd = Open(path, ORdOnly | ArchFlags.Directory | OCloExec);
        return fd >= 0 ? fd : throw Error("open", path);
    }

    /// <summary>Opens a subdirectory by one name; fails (ELOOP/ENOTDIR) when the name is a symlink or not a folder.</summary>
    public static int OpenDirectory(int parent, byte[] name, out int errno)
    {
        int fd = OpenAt(parent, Z(name), ORdOnly | ArchFlags.Directory | ArchFlags.NoFollow | OCloExec, 0);
        errno = fd >= 0 ? 0 : Marshal.GetLastPInvokeError();
        return fd;
    }

    /// <summary>Closes a descriptor.</summary>
    public static void CloseFd(int fd) => _ = Close(fd);

    /// <summary>Creates a folder; errno EEXIST when the name is taken.</summary>
    public static int MakeDirectory(int parent, byte[] name, int mode) =>
        MkdirAt(parent, Z(name), (uint)mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Creates a new regular file (O_EXCL: never an existing name, never through a symlink).</summary>
    public static SafeFileHandle CreateFile(int parent, byte[] name, out int errno)
    {
        int fd = OpenAt(parent, Z(name), OWrOnly | OCreat | OExcl | ArchFlags.NoFollow | OCloExec, 0x180);
        errno = fd >= 0 ? 0 : Marshal.GetLastPInvokeError();
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Opens an existing regular file for reading without following a symlink.</summary>
    public static SafeFileHandle OpenFileForRead(int parent, byte[] name, out int errno)
    {
        int fd = OpenAt(parent, Z(name), ORdOnly | ArchFlags.NoFollow | OCloExec, 0);
        errno = fd >= 0 ? 0 : Marshal.GetLastPInvokeError();
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Creates a symlink holding <paramref name="target"/> verbatim.</summary>
    public static int Symlink(byte[] target, int parent, byte[] name) =>
        SymlinkAt(Z(target), parent, Z(name)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Creates a hard link; linkat without AT_SYMLINK_FOLLOW never follows the old name.</summary>
    public static int HardLink(int oldParent, byte[] oldName, int newParent, byte[] newName) =>
        LinkAt(oldParent, Z(oldName), newParent, Z(newName), 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Sets permission bits on an open file.</summary>
    public static int ChangeMode(SafeFileHandle handle, int mode) =>
        FChmod(handle, (uint)mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Sets permission bits on an open directory.</summary>
    public static int ChangeMode(int fd, int mode) =>
        FChmodFd(fd, (uint)mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Sets a file's length (trailing holes stay holes).</summary>
    public static int Truncate(SafeFileHandle handle, long length) =>
        FTruncate(handle, length) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>True when the name is a regular file (not a symlink to one).</summary>
    public static bool IsRegularFile(int parent, byte[] name)
    {
        // struct statx is the same on every architecture: stx_mode is the u16 at offset 28.
        byte* buffer = stackalloc byte[256];
        return Statx(parent, Z(name), AtSymlinkNoFollow, StatxType, buffer) == 0
            && (*(ushort*)(buffer + 28) & SIfMt) == 0x8000;
    }

    /// <summary>True when an open handle is a regular file.</summary>
    public static bool IsRegularFile(SafeFileHandle handle)
    {
        byte* buffer = stackalloc byte[256];
        return StatxHandle(handle, [0], 0x1000 /* AT_EMPTY_PATH */, StatxType, buffer) == 0
            && (*(ushort*)(buffer + 28) & SIfMt) == 0x8000;
    }

    /// <summary>An IOException with the call, the name and the errno text.</summary>
    public static IOException Error(string call, string name, int errno = -1)
    {
        int e = errno < 0 ? Marshal.GetLastPInvokeError() : errno;
        return new IOException($"{call} '{name}': {Marshal.GetPInvokeErrorMessage(e)}", e);
    }

    // NUL-terminated copy of a name for the C calls.
    private static byte[] Z(byte[] name)
    {
        var z = new byte[name.Length + 1];
        name.CopyTo(z, 0);
        return z;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int OpenAt(int dir, byte[] name, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
    private static partial int MkdirAt(int dir, byte[] name, uint mode);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true)]
    private static partial int SymlinkAt(byte[] target, int dir, byte[] name);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true)]
    private static partial int LinkAt(int oldDir, byte[] oldName, int newDir, byte[] newName, int flags);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmod(SafeFileHandle fd, uint mode);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(SafeFileHandle fd, long length);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmodFd(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int Statx(int dir, byte[] path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int StatxHandle(SafeFileHandle dir, byte[] path, int flags, uint mask, byte* buffer);
}
