namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// The binary types a hardening rule's <c>types</c> names, from what the report writes (<c>binaries[].type</c>
/// <c>exec</c>/<c>dyn</c> and <c>pie</c>): a scan and a report read back give the same <see cref="BinaryFact.Type"/>.
/// </summary>
public static class BinaryTypeNames
{
    /// <summary>A program (ET_EXEC, or ET_DYN marked as an executable: a PIE).</summary>
    public const string Executable = "executable";

    /// <summary>A shared library (ET_DYN that is not a PIE).</summary>
    public const string SharedObject = "shared-object";

    /// <summary>The type of a binary whose report says <paramref name="elfType"/> (<c>exec</c>, <c>dyn</c>) and <paramref name="pie"/> (<c>yes</c>, <c>no</c>, <c>dso</c>).</summary>
    public static string Of(string? elfType, string? pie) =>
        pie == "dso" || (pie is null && elfType == "dyn") ? SharedObject : Executable;
}
