namespace FirmwareGate.Core.Policy;

/// <summary>A place in a policy file: 1-based line and column, as editors and MSBuild show them.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>"line:column".</summary>
    public override string ToString() => $"{Line}:{Column}";
}
