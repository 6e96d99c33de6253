using System.Text;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>Reports and SBOMs are input: anything else, or a broken one, gives an error naming the file and what is wrong.</summary>
public sealed class ReportReaderTests
{
    private static readonly Lazy<(string Report, string Sbom)> Sample = new(() =>
    {
        using var result = DiffPair.ScanWithDatabase(Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx"));
        return (JsonReportWriter.ToJson(result, "0.0.0-test"), CycloneDxReportWriter.ToJson(result, "0.0.0-test"));
    });

    [Theory]
    [InlineData("hello", "not valid JSON at line 1")]
    [InlineData("{\"schemaVersion\": \"1\", ", "not valid JSON")]
    [InlineData("[]", "neither a FirmwareGate JSON report")]
    [InlineData("{\"bomFormat\": \"SPDX\"}", "neither a FirmwareGate JSON report")]
    [InlineData("{\"schemaVersion\": \"1\", \"tool\": {\"name\": \"Other\"}}", "neither a FirmwareGate JSON report")]
    [InlineData("{\"schemaVersion\": \"2\", \"tool\": {\"name\": \"FirmwareGate\"}}", "schemaVersion: \"2\" is not a report schema")]
    [InlineData("{\"schemaVersion\": \"1\", \"tool\": {\"name\": \"FirmwareGate\"}}", "image: missing")]
    [InlineData("{\"schemaVersion\": \"1\", \"tool\": {\"name\": \"FirmwareGate\"}, \"image\": {\"name\": \"x\"}, \"components\": [{\"bomRef\": \"a\", \"name\": 5}]}", "components[0].name: expected a string, found a number")]
    [InlineData("{\"schemaVersion\": \"1\", \"tool\": {\"name\": \"FirmwareGate\"}, \"image\": {\"name\": \"x\"}, \"findings\": [{\"ruleId\": \"a\", \"severity\": \"dire\", \"location\": \"x\", \"fingerprint\": \"f\"}]}", "findings[0].severity: \"dire\" is not")]
    [InlineData("{\"schemaVersion\": \"1\", \"tool\": {\"name\": \"FirmwareGate\"}, \"image\": {\"name\": \"x\"}, \"binaries\": {}}", "binaries: expected an array, found an object")]
    [InlineData("{\"bomFormat\": \"CycloneDX\", \"components\": [{\"name\": \"a\", \"licenses\": [7]}]}", "components[0].licenses[0]: expected an object, found a number")]
    [InlineData("{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"affects\": [{}]}]}", "vulnerabilities[0].affects[0].ref: missing")]
    public void Broken_input_names_the_file_and_what_is_wrong(string json, string expected)
    {
        var e = Assert.Throws<ScanInputException>(() => ReportReader.Parse(Encoding.UTF8.GetBytes(json), "in/report.json"));
        Assert.StartsWith("in/report.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        string json = "{\"bomFormat\": \"CycloneDX\", \"x\": " + new string('[', 100_000) + new string(']', 100_000) + "}";
        var e = Assert.Throws<ScanInputException>(() => ReportReader.Parse(Encoding.UTF8.GetBytes(json), "deep.json"));
        Assert.Contains("deep.json: not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_oversized_files_are_refused_before_reading()
    {
        using var temp = new TempDir();
        var missing = Assert.Throws<ScanInputException>(() => ReportReader.Read(temp.Combine("absent.json")));
        Assert.Contains("absent.json: cannot be read", missing.Message, StringComparison.Ordinal);

        // Sparse: the size is what is refused, nothing is read.
        string big = temp.Combine("big.json");
        using (var stream = File.Create(big))
        {
            stream.SetLength(ReportReader.MaxBytes + 1);
        }

        var tooBig = Assert.Throws<ScanInputException>(() => ReportReader.Read(big));
        Assert.Contains("big.json: 536870913 bytes is larger than the 512 MiB", tooBig.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_values_are_refused()
    {
        byte[] sbom = Encoding.UTF8.GetBytes(Sample.Value.Sbom);
        Assert.NotEmpty(ReportReader.Parse(sbom, "sbom.json", 100_000).Components);
        var e = Assert.Throws<ScanInputException>(() => ReportReader.Parse(sbom, "sbom.json", 1000));
        Assert.Equal("sbom.json: more than 1000 JSON values; not a report or SBOM this reader accepts", e.Message);
    }

    [Fact]
    public void File_is_read_by_content_not_name()
    {
        using var temp = new TempDir();
        string sbomNamedJson = temp.Combine("report.json");
        File.WriteAllText(sbomNamedJson, Sample.Value.Sbom);
        var facts = ReportReader.Read(sbomNamedJson);
        Assert.Empty(facts.Findings);
        Assert.NotEmpty(facts.Components);
        Assert.Equal("router-sample.trx", facts.ImageName);
    }

    [Theory]
    [InlineData("report", 1)]
    [InlineData("report", 2)]
    [InlineData("sbom", 3)]
    [InlineData("sbom", 4)]
    public void Mutated_reports_read_or_give_an_input_error(string kind, int seed)
    {
        byte[] original = Encoding.UTF8.GetBytes(kind == "report" ? Sample.Value.Report : Sample.Value.Sbom);
        var random = new Random(seed);
        int read = 0;
        for (int i = 0; i < 150; i++)
        {
            byte[] mutated = Mutate(original, random);
            try
            {
                var facts = ReportReader.Parse(mutated, "mutated.json");
                Assert.NotNull(facts.ImageName);
                read++;
            }
            catch (ScanInputException e)
            {
                Assert.StartsWith("mutated.json: ", e.Message, StringComparison.Ordinal);
            }
        }

        // Flipping one byte inside a string leaves valid JSON: some mutations must still read.
        Assert.InRange(read, 1, 149);
    }

    private static byte[] Mutate(byte[] data, Random random)
    {
        byte[] copy = (byte[])data.Clone();
        switch (random.Next(4))
        {
            case 0:
                return copy[..random.Next(copy.Length)];
            case 1:
                for (int n = random.Next(1, 8); n > 0; n--)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return copy;
            case 2:
                // A value of the wrong kind where a string was.
                string text = Encoding.UTF8.GetString(copy);
                int at = text.IndexOf(": \"", random.Next(text.Length / 2), StringComparison.Ordinal);
                return at < 0 ? copy : Encoding.UTF8.GetBytes(text[..(at + 2)] + (random.Next(2) == 0 ? "12" : "{}") + text[(text.IndexOf('"', at + 3) + 1)..]);
            default:
                // A letter changed inside the text: names, versions, levels.
                int pos = random.Next(copy.Length);
                if (copy[pos] is >= (byte)'a' and <= (byte)'z')
                {
                    copy[pos] = (byte)('a' + random.Next(26));
                }

                return copy;
        }
    }
}
