using System.Text;

namespace FirmwareGate.Action.Tests.Support;

/// <summary>
/// A job's workspace on disk as a runner lays it out (a checkout with .git, the policy at its conventional path,
/// images under dist/), the runner's file-command files, and the environment a runner sets for the action.
/// </summary>
internal sealed class RunnerWorkspace : IDisposable
{
    private readonly string _root;

    public RunnerWorkspace()
    {
        _root = Path.Combine(Path.GetTempPath(), "fg-action-" + Guid.NewGuid().ToString("N"));
        Workspace = Path.Combine(_root, "work space");
        Directory.CreateDirectory(Path.Combine(Workspace, ".git"));
        Directory.CreateDirectory(Path.Combine(Workspace, ".github"));
        Directory.CreateDirectory(Path.Combine(Workspace, "dist"));
        Directory.CreateDirectory(Path.Combine(_root, "file_commands"));
        File.Copy(TestPaths.SamplePolicy, Path.Combine(Workspace, ".github", "firmware-policy.yml"));
        OutputFile = Path.Combine(_root, "file_commands", "output");
        SummaryFile = Path.Combine(_root, "file_commands", "summary");
        File.WriteAllText(OutputFile, "");
        File.WriteAllText(SummaryFile, "");
        Environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GITHUB_WORKSPACE"] = Workspace,
            ["GITHUB_OUTPUT"] = OutputFile,
            ["GITHUB_STEP_SUMMARY"] = SummaryFile,
            ["GITHUB_EVENT_NAME"] = "push",
            ["GITHUB_REPOSITORY"] = "Codertocat/Hello-World",
            ["GITHUB_SHA"] = "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
            ["GITHUB_WORKFLOW"] = "firmware",
            ["GITHUB_JOB"] = "gate",
            ["GITHUB_API_URL"] = "https://api.github.com",
            // action.yml's defaults, as the runner passes them.
            ["INPUT_POLICY"] = "",
            ["INPUT_DATABASE"] = TestPaths.SampleDatabase,
            ["INPUT_SBOM"] = "firmwaregate/sbom.cdx.json",
            ["INPUT_SARIF"] = "firmwaregate/results.sarif",
            ["INPUT_REPORT"] = "firmwaregate/report.json",
            ["INPUT_FAIL-ON-INCOMPLETE"] = "",
            ["INPUT_COMMENT"] = "on",
            ["INPUT_ANNOTATIONS"] = "on",
            ["INPUT_BASELINE"] = "",
            ["INPUT_GITHUB-TOKEN"] = "ghs_fixturetoken0123456789",
        };
    }

    public string Workspace { get; }

    /// <summary>A workspace with the sample image at dist/router.trx, named by the <c>images</c> input.</summary>
    public static RunnerWorkspace WithSample()
    {
        var ws = new RunnerWorkspace();
        ws.AddSample("router.trx");
        ws.Environment["INPUT_IMAGES"] = "dist/router.trx";
        return ws;
    }

    public string OutputFile { get; }

    public string SummaryFile { get; }

    public Dictionary<string, string> Environment { get; }

    public string PolicyPath => Path.Combine(Workspace, ".github", "firmware-policy.yml");

    /// <summary>Copies the sample image into dist/ under <paramref name="name"/>; returns its full path.</summary>
    public string AddSample(string name) => AddImage(name, File.ReadAllBytes(TestPaths.Sample));

    public string AddImage(string name, byte[] bytes)
    {
        string path = Path.Combine(Workspace, "dist", name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes the real pull_request payload as the runner does and switches the event to it.</summary>
    public void PullRequestEvent()
    {
        string path = Path.Combine(_root, "event.json");
        File.Copy(TestPaths.Fixture("pull_request.synchronize.json"), path, overwrite: true);
        Environment["GITHUB_EVENT_NAME"] = "pull_request";
        Environment["GITHUB_EVENT_PATH"] = path;
        Environment["GITHUB_SHA"] = "0000000000000000000000000000000000000042"; // the merge commit, not the head
    }

    /// <summary>The step outputs, read the way the runner reads GITHUB_OUTPUT (both the NAME=VALUE and the NAME&lt;&lt;DELIMITER forms).</summary>
    public Dictionary<string, string> Outputs()
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = File.ReadAllText(OutputFile, Encoding.UTF8).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            int heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                string name = line[..heredoc];
                string delimiter = line[(heredoc + 2)..];
                var value = new List<string>();
                for (i++; i < lines.Length && lines[i] != delimiter; i++)
                {
                    value.Add(lines[i]);
                }

                Assert.True(i < lines.Length, $"output {name}: delimiter {delimiter} never closes");
                outputs[name] = string.Join('\n', value);
            }
            else
            {
                Assert.True(equals > 0, $"GITHUB_OUTPUT line is neither NAME=VALUE nor NAME<<DELIMITER: {line}");
                outputs[line[..equals]] = line[(equals + 1)..];
            }
        }

        return outputs;
    }

    public string Summary() => File.ReadAllText(SummaryFile, Encoding.UTF8);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
