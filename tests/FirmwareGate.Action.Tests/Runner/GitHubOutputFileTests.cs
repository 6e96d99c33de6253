using FirmwareGate.Action.Tests.Support;

namespace FirmwareGate.Action.Tests.Runner;

public sealed class GitHubOutputFileTests
{
    [Fact]
    public void Multi_line_and_hostile_values_read_back_exactly_and_the_bytes_repeat()
    {
        using var ws = new RunnerWorkspace();
        var values = new (string, string)[]
        {
            ("sbom", "a.cdx.json\nb c.cdx.json"),
            ("tricky", "EOF\nname<<EOF\nx=y\n"),
            ("empty", ""),
        };

        GitHubOutputFile.Append(ws.OutputFile, values);
        byte[] first = File.ReadAllBytes(ws.OutputFile);
        var outputs = ws.Outputs();
        File.WriteAllText(ws.OutputFile, "");
        GitHubOutputFile.Append(ws.OutputFile, values);

        Assert.Equal("a.cdx.json\nb c.cdx.json", outputs["sbom"]);
        Assert.Equal("EOF\nname<<EOF\nx=y\n", outputs["tricky"]);
        Assert.Equal("", outputs["empty"]);
        Assert.Equal(first, File.ReadAllBytes(ws.OutputFile));
    }

    [Fact]
    public void Appending_keeps_what_earlier_steps_wrote()
    {
        using var ws = new RunnerWorkspace();
        File.WriteAllText(ws.OutputFile, "earlier=1\n");

        GitHubOutputFile.Append(ws.OutputFile, [("verdict", "pass")]);

        var outputs = ws.Outputs();
        Assert.Equal("1", outputs["earlier"]);
        Assert.Equal("pass", outputs["verdict"]);
    }
}
