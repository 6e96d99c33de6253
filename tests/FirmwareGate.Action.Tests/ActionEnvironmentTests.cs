namespace FirmwareGate.Action.Tests;

public sealed class ActionEnvironmentTests
{
    [Fact]
    public void Inputs_are_read_the_way_the_runner_names_them()
    {
        var env = ActionEnvironment.From(new Dictionary<string, string>
        {
            ["INPUT_FAIL-ON-INCOMPLETE"] = " true\n",
            ["INPUT_GITHUB-TOKEN"] = "",
            ["GITHUB_API_URL"] = "https://ghe.example.com/api/v3",
        });

        Assert.Equal("true", env.Input("fail-on-incomplete"));
        Assert.Null(env.Token);
        Assert.Equal("https://ghe.example.com/api/v3", env.ApiUrl.ToString());
    }
}
