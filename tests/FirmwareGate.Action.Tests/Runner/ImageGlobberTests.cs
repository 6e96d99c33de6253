using FirmwareGate.Action.Tests.Support;

namespace FirmwareGate.Action.Tests.Runner;

public sealed class ImageGlobberTests
{
    [Fact]
    public void Globs_paths_and_excludes_resolve_against_the_workspace_sorted_and_once()
    {
        using var ws = new RunnerWorkspace();
        string[] names = ["a.bin", "b c.bin", "x;$(id).bin", "fw[1].bin", "notes.txt"];
        foreach (string name in names)
        {
            ws.AddImage(name, [1]);
        }

        Directory.CreateDirectory(Path.Combine(ws.Workspace, "dist", "deep", "er"));
        File.WriteAllBytes(Path.Combine(ws.Workspace, "dist", "deep", "er", "z.bin"), [1]);
        var unmatched = new List<string>();

        var found = ImageGlobber.Resolve(["dist/*.bin", "dist/**/z.bin", "dist/fw[1].bin", "dist/a.bin", "!dist/x*"], ws.Workspace, unmatched);

        Assert.Empty(unmatched);
        Assert.Equal(
            new[] { "dist/a.bin", "dist/b c.bin", "dist/deep/er/z.bin", "dist/fw[1].bin" },
            found.Select(f => Path.GetRelativePath(ws.Workspace, f).Replace('\\', '/')));
    }

    [Fact]
    public void Absolute_paths_work_and_a_pattern_without_matches_is_named()
    {
        using var ws = new RunnerWorkspace();
        string image = ws.AddImage("a.bin", [1]);
        var unmatched = new List<string>();

        var found = ImageGlobber.Resolve([image, Path.Combine(ws.Workspace, "dist") + "/*.bin", "build/*.img", "missing.bin"], ws.Workspace, unmatched);

        Assert.Equal([image], found);
        Assert.Equal(["build/*.img", "missing.bin"], unmatched);
    }
}
