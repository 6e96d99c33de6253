using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Gate;

/// <summary>Which work tree a policy file belongs to: SARIF points at policy lines only inside it.</summary>
public sealed class RepositoryRootTests
{
    [Fact]
    public void The_nearest_folder_with_a_git_folder_or_file_wins()
    {
        using var temp = new TempDir();
        Directory.CreateDirectory(temp.Combine("repo", ".git"));
        Directory.CreateDirectory(temp.Combine("repo", "firmware", "sub"));
        File.WriteAllText(temp.Combine("repo", "firmware", "sub", ".git"), "gitdir: ../../.git/modules/sub\n");
        Directory.CreateDirectory(temp.Combine("repo", "policies"));

        Assert.Equal(temp.Combine("repo"), GatePipeline.FindRepositoryRoot(temp.Combine("repo", "policies", "p.yml"), null));
        Assert.Equal(temp.Combine("repo", "firmware", "sub"), GatePipeline.FindRepositoryRoot(temp.Combine("repo", "firmware", "sub", "p.yml"), temp.Path));
    }

    [Fact]
    public void Without_git_the_workspace_counts_when_the_policy_is_inside_it()
    {
        using var temp = new TempDir();
        Directory.CreateDirectory(temp.Combine("ws", "policies"));
        Assert.Equal(temp.Combine("ws"), GatePipeline.FindRepositoryRoot(temp.Combine("ws", "policies", "p.yml"), temp.Combine("ws") + "/"));
        Assert.Null(GatePipeline.FindRepositoryRoot(temp.Combine("elsewhere", "p.yml"), temp.Combine("ws")));
        // A sibling whose name starts with the workspace's is not inside it.
        Assert.Null(GatePipeline.FindRepositoryRoot(temp.Combine("ws2", "p.yml"), temp.Combine("ws")));
        Assert.Null(GatePipeline.FindRepositoryRoot(temp.Combine("ws", "p.yml"), null));
    }
}
