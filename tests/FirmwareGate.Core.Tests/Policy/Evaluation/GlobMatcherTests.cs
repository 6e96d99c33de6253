using System.Diagnostics;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Policy.Evaluation;
using static FirmwareGate.Core.Tests.Policy.Evaluation.Facts;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

public sealed class GlobMatcherTests
{
    [Theory]
    [InlineData("/usr/sbin/*", "/usr/sbin/httpd", true)]
    [InlineData("/usr/sbin/*", "/usr/sbin/a/b", false)]
    [InlineData("/usr/**", "/usr/lib/x/libz.so", true)]
    [InlineData("/usr/**", "/usr", false)]
    [InlineData("*.so", "libz.so", true)]
    [InlineData("*.so", "/lib/libz.so", false)]
    [InlineData("**/*.so", "/lib/libz.so", true)]
    [InlineData("secret.*", "SECRET.aws_access_key", false)]
    [InlineData("/etc/inittab", "/etc/inittab", true)]
    public void Shapes_match_as_the_glob_says(string pattern, string text, bool match)
    {
        Assert.Equal(match, new GlobMatcher(pattern, ignoreCase: false).IsMatch(text));
        Assert.Equal(match, Glob.Parse(pattern).IsMatch(text));
    }

    [Fact]
    public void Agrees_with_the_glob_on_random_patterns_and_texts()
    {
        var random = new Random(18);
        const string PatternChars = "ab/.*?";
        const string TextChars = "abAB/.";
        for (int i = 0; i < 4000; i++)
        {
            string pattern = new([.. Enumerable.Range(0, random.Next(1, 8)).Select(_ => PatternChars[random.Next(PatternChars.Length)])]);
            bool ignoreCase = random.Next(2) == 0;
            var glob = Glob.TryParse(pattern, ignoreCase, out _);
            var matcher = new GlobMatcher(pattern, ignoreCase);
            for (int j = 0; j < 20; j++)
            {
                string text = new([.. Enumerable.Range(0, random.Next(0, 10)).Select(_ => TextChars[random.Next(TextChars.Length)])]);
                Assert.True(glob?.IsMatch(text) == matcher.IsMatch(text), $"'{pattern}' (ignore case {ignoreCase}) on '{text}'");
            }
        }
    }

    [Fact]
    public void Strict_default_on_ten_thousand_binaries_and_findings_takes_well_under_a_second_each_run()
    {
        var binaries = Enumerable.Range(0, 10_000).Select(i => Binary($"/usr/sbin/d{i}") with { Pie = i % 3 == 0 ? "no" : "yes", Nx = i % 7 != 0 }).ToList();
        var findings = Enumerable.Range(0, 10_000).Select(i => FindingOf(i % 2 == 0 ? "secret.github_token" : "fs.world_writable", $"/etc/f{i}", i % 2 == 0 ? Severity.High : Severity.Medium)).ToList();
        var facts = Image(binaries: binaries, findings: findings);
        PolicyEvaluator.Evaluate(PolicyLoader.StrictDefault, facts, Options);
        var watch = Stopwatch.StartNew();
        var outcome = PolicyEvaluator.Evaluate(PolicyLoader.StrictDefault, facts, Options);
        watch.Stop();
        Assert.Equal(10_000 + 3334 + 1429, outcome.Violations.Count);
        Assert.True(watch.ElapsedMilliseconds < 3000, $"evaluation took {watch.ElapsedMilliseconds} ms");
    }
}
