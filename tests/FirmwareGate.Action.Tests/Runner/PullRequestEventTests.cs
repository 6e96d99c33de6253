using FirmwareGate.Action.Tests.Support;

namespace FirmwareGate.Action.Tests.Runner;

/// <summary>The event payload is the runner's file, but its text comes from users (titles, branch names): read it bounded and tolerant.</summary>
public sealed class PullRequestEventTests
{
    [Fact]
    public void The_real_payload_gives_number_head_and_base()
    {
        var pr = PullRequestEvent.Read(TestPaths.Fixture("pull_request.synchronize.json"), out string? problem);

        Assert.Null(problem);
        Assert.Equal(new PullRequestEvent(2, "ec26c3e57ca3a959ca5aad62de7213c562f8c821", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"), pr);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_in_a_title_do_not_stop_the_pull_request_being_read()
    {
        byte[] bytes = [.. "{\"pull_request\":{\"title\":\""u8.ToArray(), 0xff, 0xfe, 0xc3, .. "\",\"number\":7,\"head\":{\"sha\":\"abc\"}}}"u8.ToArray()];
        string path = Path.Combine(Path.GetTempPath(), "fg-event-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllBytes(path, bytes);
        try
        {
            var pr = PullRequestEvent.Read(path, out string? problem);

            Assert.Null(problem);
            Assert.Equal(new PullRequestEvent(7, "abc", null), pr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("huge-number")]
    [InlineData("wrong-shapes")]
    [InlineData("no-head")]
    [InlineData("push")]
    public void A_payload_that_is_not_a_usable_pull_request_is_no_pull_request(string kind)
    {
        byte[] real = File.ReadAllBytes(TestPaths.Fixture("pull_request.synchronize.json"));
        byte[] bytes = kind switch
        {
            "truncated" => real[..(real.Length / 2)],
            "huge-number" => "{\"pull_request\":{\"number\":99999999999999999999,\"head\":{\"sha\":\"a\"}}}"u8.ToArray(),
            "wrong-shapes" => "{\"pull_request\":[1,2],\"head\":\"x\"}"u8.ToArray(),
            "no-head" => "{\"pull_request\":{\"number\":2,\"head\":{\"sha\":null}}}"u8.ToArray(),
            _ => "{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}"u8.ToArray(),
        };
        string path = Path.Combine(Path.GetTempPath(), "fg-event-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllBytes(path, bytes);
        try
        {
            var pr = PullRequestEvent.Read(path, out string? problem);

            Assert.Null(pr);
            // Broken JSON is named as such; well-formed JSON of another shape is simply another event.
            Assert.Equal(kind is "truncated", problem is not null);
            if (problem is not null)
            {
                Assert.Contains(path, problem, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
