namespace FirmwareGate.Core.Checks.Config;

/// <summary>Which paths are boot scripts: files the init system runs at start-up.</summary>
internal static class BootScripts
{
    private static readonly string[] Directories = ["/etc/init.d", "/etc/rc.d", "/etc/rcS.d", "/etc/init", "/etc/rc.d/init.d"];

    private static readonly string[] Files = ["/etc/rc.local", "/etc/rc", "/etc/rcS", "/etc/rc.sysinit", "/etc/rc.d/rc.local", "/etc/rc.d/rc.sysinit", "/etc/rc.d/rcS"];

    /// <summary>
    /// True for <c>/etc/init.d/*</c>, <c>/etc/rc.d/**</c>, <c>/etc/rc?.d/*</c>, <c>/etc/rcS.d/*</c>, upstart's
    /// <c>/etc/init/*.conf</c>, <c>/etc/rc.local</c> and its kin, and S??* scripts anywhere under <c>/etc</c>.
    /// Symlinks (rc?.d entries pointing into init.d) are not files of the walk, so each script is read once.
    /// </summary>
    public static bool IsBootScript(string path)
    {
        if (!path.StartsWith("/etc/", StringComparison.Ordinal))
        {
            return false;
        }

        if (Array.IndexOf(Files, path) >= 0)
        {
            return true;
        }

        string dir = ConfigText.DirectoryOf(path);
        if (Array.IndexOf(Directories, dir) >= 0 || dir.StartsWith("/etc/rc.d/", StringComparison.Ordinal))
        {
            return true;
        }

        // /etc/rc0.d ... /etc/rc6.d
        if (dir.Length == 9 && dir.StartsWith("/etc/rc", StringComparison.Ordinal) && dir.EndsWith(".d", StringComparison.Ordinal))
        {
            return true;
        }

        string name = ConfigText.BaseName(path);
        return name.Length >= 3 && name[0] == 'S' && char.IsAsciiDigit(name[1]) && char.IsAsciiDigit(name[2]);
    }
}
