using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// Runs every crafted input through the whole pipeline with extraction: it ends (a generous hang
/// guard, not a timing), exits 0, 2 or 3, writes no more than --max-total-bytes, and touches
/// nothing outside the output folder. With FIRMWAREGATE_ATTACK_DIR set, the inputs are also
/// written there for bench/attack-bench.sh, which measures time and peak memory per process.
/// </summary>
public sealed class AttackCorpusTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(180); // a hang guard: the suite shares two cores

    public static TheoryData<string> Names() => [.. AttackCorpus.All.Select(a => a.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Attack_ends_bounded_and_stays_in_its_folder(string name)
    {
        using var temp = new TempDir();
        byte[] input = AttackCorpus.All.Single(a => a.Name == name).Build();
        string path = temp.Combine(name + ".bin");
        File.WriteAllBytes(path, input);
        if (Environment.GetEnvironmentVariable("FIRMWAREGATE_ATTACK_DIR") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.WriteAllBytes(Path.Combine(keep, name + ".bin"), input);
        }

        Directory.CreateDirectory(temp.Combine("host"));
        File.WriteAllText(temp.Combine("host", "hostname"), "host\n");
        var before = HostSnapshot.Of(temp.Path, skip: temp.Combine("out"));
        var limits = ReadLimits.Default with { MaxTotalBytes = 256L << 20 };
        var run = Task.Run(() => Scan.Run(path, limits, output: temp.Combine("out")));
        Assert.True(await Task.WhenAny(run, Task.Delay(HangGuard)) == run, $"{name} did not finish in {HangGuard}");
        using var result = await run;

        Assert.Contains(result.ExitCode(allowIncomplete: false), new[] { 0, 2, 3 });
        long written = HostSnapshot.Of(temp.Combine("out")).Entries.Sum(e => e.Split(' ')[1] is var kind && kind.StartsWith("file:", StringComparison.Ordinal) ? long.Parse(kind.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture) : 0);
        Assert.True(written <= limits.MaxTotalBytes + (1 << 20), $"{written} bytes written");
        before.AssertUnchanged(temp.Path, skip: temp.Combine("out"));
    }
}
