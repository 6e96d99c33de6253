using System.Collections.Frozen;

namespace FirmwareGate.Core.Checks.Hardening;

/// <summary>
/// The functions glibc has a checked (<c>__NAME_chk</c>) form of: the 79 default-version <c>__*_chk</c> symbols glibc 2.36
/// exports (the list checksec derives from the host's libc with <c>readelf -W -s libc.so.6 | grep _chk@@</c>), without
/// the leading underscores and with the <c>_chk</c> suffix, as checksec compares them.
/// </summary>
public static class FortifiableFunctions
{
    /// <summary>Checked names without leading underscores ("sprintf_chk").</summary>
    public static FrozenSet<string> Checked { get; } = FrozenSet.ToFrozenSet(
    [
        "asprintf_chk", "confstr_chk", "dprintf_chk", "explicit_bzero_chk", "fdelt_chk", "fgets_chk",
        "fgets_unlocked_chk", "fgetws_chk", "fgetws_unlocked_chk", "fprintf_chk", "fread_chk", "fread_unlocked_chk",
        "fwprintf_chk", "getcwd_chk", "getdomainname_chk", "getgroups_chk", "gethostname_chk", "getlogin_r_chk",
        "gets_chk", "getwd_chk", "longjmp_chk", "mbsnrtowcs_chk", "mbsrtowcs_chk", "mbstowcs_chk", "memcpy_chk",
        "memmove_chk", "mempcpy_chk", "memset_chk", "obstack_printf_chk", "obstack_vprintf_chk", "poll_chk",
        "ppoll_chk", "pread64_chk", "pread_chk", "printf_chk", "ptsname_r_chk", "read_chk", "readlink_chk",
        "readlinkat_chk", "realpath_chk", "recv_chk", "recvfrom_chk", "snprintf_chk", "sprintf_chk", "stpcpy_chk",
        "stpncpy_chk", "strcat_chk", "strcpy_chk", "strncat_chk", "strncpy_chk", "swprintf_chk", "syslog_chk",
        "ttyname_r_chk", "vasprintf_chk", "vdprintf_chk", "vfprintf_chk", "vfwprintf_chk", "vprintf_chk",
        "vsnprintf_chk", "vsprintf_chk", "vswprintf_chk", "vsyslog_chk", "vwprintf_chk", "wcpcpy_chk", "wcpncpy_chk",
        "wcrtomb_chk", "wcscat_chk", "wcscpy_chk", "wcsncat_chk", "wcsncpy_chk", "wcsnrtombs_chk", "wcsrtombs_chk",
        "wcstombs_chk", "wctomb_chk", "wmemcpy_chk", "wmemmove_chk", "wmempcpy_chk", "wmemset_chk", "wprintf_chk",
    ], StringComparer.Ordinal);

    /// <summary>The plain functions those checks replace ("sprintf").</summary>
    public static FrozenSet<string> Plain { get; } = Checked.Select(c => c[..^4]).ToFrozenSet(StringComparer.Ordinal);

    /// <summary><see cref="Checked"/> looked up by span: symbol names are compared without copying them.</summary>
    internal static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CheckedBySpan { get; } = Checked.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary><see cref="Plain"/> looked up by span.</summary>
    internal static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> PlainBySpan { get; } = Plain.GetAlternateLookup<ReadOnlySpan<char>>();
}
