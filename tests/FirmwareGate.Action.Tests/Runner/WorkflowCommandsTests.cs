using System.Text.RegularExpressions;

namespace FirmwareGate.Action.Tests.Runner;

/// <summary>Annotations read back the way the runner parses workflow commands (actions/runner ActionCommand.TryParseV2).</summary>
public sealed partial class WorkflowCommandsTests
{
    [Theory]
    [InlineData("line one\nline two\r\n::set-output name=verdict::pass", "dist/a,b:c.bin", "x::y, 100%")]
    [InlineData("%0A is not a newline, %25 is not a percent", "fw%0A.bin", "%3A")]
    [InlineData("::stop-commands::token", "weird\nname", "title\r\nwith break")]
    public void An_annotation_reads_back_exactly_and_stays_one_line(string message, string file, string title)
    {
        using var log = new StringWriter();

        new WorkflowCommands(log).Error(message, file, 12, title);

        string text = log.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        var (command, properties, data) = Parse(text.TrimEnd('\n'));
        Assert.Equal("error", command);
        Assert.Equal(message, data);
        Assert.Equal(file, properties["file"]);
        Assert.Equal("12", properties["line"]);
        Assert.Equal(title, properties["title"]);
    }

    [Fact]
    public void A_plain_line_from_an_image_cannot_become_a_command()
    {
        using var log = new StringWriter();

        new WorkflowCommands(log).Line("found\n::add-mask::x\n::error::fake");

        Assert.DoesNotMatch(new Regex("^::", RegexOptions.Multiline), log.ToString());
        Assert.Contains(" ::error::fake", log.ToString(), StringComparison.Ordinal);
    }

    private static (string Command, Dictionary<string, string> Properties, string Data) Parse(string line)
    {
        var match = CommandPattern().Match(line);
        Assert.True(match.Success, line);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (match.Groups["props"].Success)
        {
            foreach (string pair in match.Groups["props"].Value.Split(','))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                properties[pair[..eq]] = UnescapeProperty(pair[(eq + 1)..]);
            }
        }

        return (match.Groups["cmd"].Value, properties, UnescapeData(match.Groups["data"].Value));
    }

    // The runner's unescaping, applied in its order.
    private static string UnescapeData(string s) => s.Replace("%0D", "\r").Replace("%0A", "\n").Replace("%25", "%");

    private static string UnescapeProperty(string s) => s.Replace("%0D", "\r").Replace("%0A", "\n").Replace("%3A", ":").Replace("%2C", ",").Replace("%25", "%");

    [GeneratedRegex(@"^::(?<cmd>[a-z-]+)(?: (?<props>[^:]*))?::(?<data>.*)$")]
    private static partial Regex CommandPattern();
}
