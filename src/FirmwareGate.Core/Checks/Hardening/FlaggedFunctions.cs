using System.Collections.Frozen;

namespace FirmwareGate.Core.Checks.Hardening;

/// <summary>
/// The functions firmware reviews flag, by category: unbounded string and format functions, command execution,
/// predictable temporary names, and the network calls that show a binary serves connections.
/// </summary>
public static class FlaggedFunctions
{
    /// <summary>Unbounded copies and formats: the classic stack overflow sources.</summary>
    public const string UnboundedString = "unboundedString";

    /// <summary>Reading input with <c>scanf</c>-style formats (<c>%s</c> without a width overflows).</summary>
    public const string Scanf = "scanf";

    /// <summary>Running a shell or another program: command injection when arguments carry input.</summary>
    public const string CommandExecution = "commandExecution";

    /// <summary>Predictable temporary file names (a race an attacker with a local foothold wins).</summary>
    public const string TempFile = "tempFile";

    /// <summary>Socket calls: the binary talks to the network.</summary>
    public const string Network = "network";

    /// <summary>Each flagged name and its category. The <c>__isoc99_</c> and <c>__isoc23_</c> names are what glibc binds <c>scanf</c> calls to.</summary>
    public static FrozenDictionary<string, string> Categories { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gets"] = UnboundedString,
        ["strcpy"] = UnboundedString,
        ["strcat"] = UnboundedString,
        ["sprintf"] = UnboundedString,
        ["vsprintf"] = UnboundedString,
        ["scanf"] = Scanf,
        ["sscanf"] = Scanf,
        ["fscanf"] = Scanf,
        ["vscanf"] = Scanf,
        ["vsscanf"] = Scanf,
        ["vfscanf"] = Scanf,
        ["__isoc99_scanf"] = Scanf,
        ["__isoc99_sscanf"] = Scanf,
        ["__isoc99_fscanf"] = Scanf,
        ["__isoc99_vscanf"] = Scanf,
        ["__isoc99_vsscanf"] = Scanf,
        ["__isoc99_vfscanf"] = Scanf,
        ["__isoc23_scanf"] = Scanf,
        ["__isoc23_sscanf"] = Scanf,
        ["__isoc23_fscanf"] = Scanf,
        ["system"] = CommandExecution,
        ["popen"] = CommandExecution,
        ["execl"] = CommandExecution,
        ["execle"] = CommandExecution,
        ["execlp"] = CommandExecution,
        ["execv"] = CommandExecution,
        ["execve"] = CommandExecution,
        ["execvp"] = CommandExecution,
        ["execvpe"] = CommandExecution,
        ["execveat"] = CommandExecution,
        ["fexecve"] = CommandExecution,
        ["mktemp"] = TempFile,
        ["tmpnam"] = TempFile,
        ["tmpnam_r"] = TempFile,
        ["tempnam"] = TempFile,
        ["socket"] = Network,
        ["bind"] = Network,
        ["listen"] = Network,
        ["accept"] = Network,
        ["accept4"] = Network,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The functions that, in a binary that listens on the network, make the <c>elf.network-unsafe-calls</c> finding.</summary>
    public static bool IsDangerousNextToNetwork(string name) =>
        name is "system" or "popen" || (Categories.TryGetValue(name, out var c) && c == UnboundedString);
}
