namespace FirmwareGate.Core.Tests.Support;

internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fg-test-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Names that are not UTF-8 cannot be deleted through .NET's string paths; rm takes bytes.
            using var rm = System.Diagnostics.Process.Start("rm", ["-rf", "--", Path]);
            rm?.WaitForExit();
        }
    }
}
