using FirmwareGate.Core.Diff;

namespace FirmwareGate.Cli;

/// <summary>The diff renderers the diff and policy diff commands print and write.</summary>
internal static class DiffRendering
{
    public static string ScanText(ScanDiff diff) => throw new NotImplementedException();

    public static string ScanJson(ScanDiff diff) => throw new NotImplementedException();

    public static string ScanMarkdown(ScanDiff diff) => throw new NotImplementedException();

    public static string PolicyText(PolicyDiff diff) => throw new NotImplementedException();

    public static string PolicyJson(PolicyDiff diff) => throw new NotImplementedException();

    public static string PolicyMarkdown(PolicyDiff diff) => throw new NotImplementedException();
}
