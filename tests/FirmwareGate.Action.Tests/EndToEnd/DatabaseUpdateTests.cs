using System.Text.Json;
using FirmwareGate.Action.Tests.Support;

namespace FirmwareGate.Action.Tests.EndToEnd;

/// <summary><c>database: update</c> against an NVD API stand-in: built in the workspace's cache path, then refreshed incrementally.</summary>
public sealed class DatabaseUpdateTests
{
    [Fact]
    public async Task Update_builds_the_cached_database_and_a_second_run_asks_only_for_changes()
    {
        await using var nvd = NvdStandIn.Start();
        using var ws = RunnerWorkspace.WithSample();
        ws.Environment["INPUT_DATABASE"] = "update";
        ws.Environment["INPUT_GITHUB-TOKEN"] = "";
        ws.Environment["FIRMWAREGATE_NVD_URL"] = nvd.Url;
        ws.Environment["FIRMWAREGATE_KEV_URL"] = "none";
        ws.Environment["FIRMWAREGATE_EPSS_URL"] = "none";

        var first = await ActionProcess.RunAsync(ws.Environment, ws.Workspace);
        var second = await ActionProcess.RunAsync(ws.Environment, ws.Workspace);

        Assert.True(first.Exit == 1, first.Stdout + first.Stderr);
        Assert.Equal(1, second.Exit);
        Assert.True(File.Exists(Path.Combine(ws.Workspace, ".firmwaregate", "vulndb.sqlite")));
        using var report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ws.Workspace, "firmwaregate", "report.json")));
        Assert.Contains(report.RootElement.GetProperty("vulnerabilities").EnumerateArray(), v => v.GetProperty("id").GetString() == "CVE-2022-48174");
        Assert.Equal(2, nvd.Queries.Count);
        Assert.DoesNotContain("lastModStartDate", nvd.Queries[0], StringComparison.Ordinal);
        Assert.Contains("lastModStartDate", nvd.Queries[1], StringComparison.Ordinal);
        Assert.Contains("::group::Update the vulnerability database", first.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_update_is_a_warning_and_the_policy_decides_without_a_database()
    {
        using var ws = RunnerWorkspace.WithSample();
        ws.Environment["INPUT_DATABASE"] = "update";
        ws.Environment["INPUT_GITHUB-TOKEN"] = "";
        ws.Environment["FIRMWAREGATE_NVD_URL"] = "not a url";

        var (exit, stdout, _) = await ActionProcess.RunAsync(ws.Environment, ws.Workspace);

        Assert.Contains("::warning::FIRMWAREGATE_NVD_URL 'not a url' is not an absolute URL", stdout, StringComparison.Ordinal);
        Assert.Equal(1, exit);
        Assert.False(File.Exists(Path.Combine(ws.Workspace, ".firmwaregate", "vulndb.sqlite")));
    }
}
