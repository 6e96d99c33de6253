using System.Text.Json.Nodes;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Checks.Crypto;

/// <summary>Certificates and keys as CycloneDX 1.6 cryptographic assets: valid by both validators, linked, no key material.</summary>
public sealed class CryptoSbomTests
{
    [CorpusTheory]
    [InlineData("camera-armel.bin")]
    [InlineData("update-amd64.tar.gz")]
    public async Task Crypto_assets_validate_and_link_keys_to_their_certificates(string name)
    {
        using var result = await new ScanPipeline().RunAsync(
            new ScanOptions { ImagePath = Path.Combine(TestPaths.Corpus, name), Limits = ReadLimits.Default, Now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            CancellationToken.None);
        string json = CycloneDxReportWriter.ToJson(result, "0.0.0-test");

        Assert.Empty(CycloneDxReportWriter.Validate(json));
        var bom = JsonNode.Parse(json)!;
        var assets = bom["components"]!.AsArray().Where(c => (string?)c!["type"] == "cryptographic-asset").ToList();
        var lighttpd = assets.Single(a => (string?)a!["bom-ref"] == "crypto:certificate:d506b0af2aedbed5956a97304639ae8c680e574db0951183ab12f05cb371d730")!;
        Assert.Equal("CN=router.local", (string?)lighttpd["cryptoProperties"]!["certificateProperties"]!["subjectName"]);
        Assert.Equal("crypto:algorithm:sha256WithRSAEncryption", (string?)lighttpd["cryptoProperties"]!["certificateProperties"]!["signatureAlgorithmRef"]);
        var link = bom["dependencies"]!.AsArray().Single(d => (string?)d!["ref"] == (string?)lighttpd["bom-ref"])!;
        string keyRef = (string)link["dependsOn"]!.AsArray().Single()!;
        var key = assets.Single(a => (string?)a!["bom-ref"] == keyRef)!["cryptoProperties"]!["relatedCryptoMaterialProperties"]!;
        Assert.Equal("private-key", (string?)key["type"]);
        Assert.Equal("sha256:21fa4457638170d37e56cff4494ff5c75bf572f9a32a745429efc9f0f9e54bfa", (string?)key["id"]);
        Assert.Equal(2048, (int)key["size"]!);
        Assert.All(assets.Select(a => a!["cryptoProperties"]!["relatedCryptoMaterialProperties"]).Where(m => m is not null), m => Assert.Null(m!["value"]));
        Assert.DoesNotContain("-----BEGIN", json, StringComparison.Ordinal);

        if (CycloneDxValidator.Missing is null)
        {
            string file = Path.Combine(Path.GetTempPath(), $"fg-crypto-{Guid.NewGuid():N}.cdx.json");
            await File.WriteAllTextAsync(file, json);
            try
            {
                var (code, output) = await CycloneDxValidator.RunAsync([file]);
                Assert.True(code == 0, output);
            }
            finally
            {
                File.Delete(file);
            }
        }
    }
}

/// <summary>Mutated certificate and key files (truncated, bytes flipped, lengths inflated): never an exception, never a hang.</summary>
public sealed class CryptoMutationTests
{
    public static TheoryData<string> Files() =>
    [
        "ec-leaf.pem", "rsa1024-sha1.der", "chain.p7b", "empty-password.p12", "rsa-pkcs1.der", "ec-sec1.pem", "dsa-pkcs8.pem",
        "rsa-pkcs8-encrypted.pem", "id_ed25519", "dropbear_rsa_host_key", "dropbear_ecdsa_host_key", "putty-ed25519.ppk", "embedded.bin",
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void Mutated_inputs_give_notes_not_exceptions(string name)
    {
        byte[] original = CryptoScan.Fixture(name);
        var random = new Random(name.Length * 7919);
        var files = new List<(string, byte[])>();
        for (int i = 0; i < 40; i++)
        {
            byte[] b = (byte[])original.Clone();
            switch (i % 4)
            {
                case 0:
                    b = b[..random.Next(1, b.Length)];
                    break;
                case 1:
                    for (int j = 0; j < 4; j++)
                    {
                        b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 2:
                    // DER / SSH lengths inflated: 0x82 LL LL and uint32 fields near the start become huge.
                    int at = random.Next(Math.Min(b.Length, 64));
                    b[at] = 0xFF;
                    break;
                default:
                    b = [.. b[..(b.Length / 2)], .. b];
                    break;
            }

            files.Add(($"/etc/m/{i:D2}-{name}", b));
        }

        var (checks, results) = CryptoScan.Run([.. files]);

        Assert.Empty(results.Warnings); // a warning here is an exception that escaped an analyser or the step
        Assert.All(checks.Findings, f => Assert.DoesNotContain("-----BEGIN", f.Message + f.Evidence, StringComparison.Ordinal));
    }
}
