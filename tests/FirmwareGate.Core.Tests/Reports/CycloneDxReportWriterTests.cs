using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Reports;

/// <summary>The CycloneDX 1.6 SBOM of real scans, with an inventory set as the inventory step would.</summary>
public sealed class CycloneDxReportWriterTests
{
    private const string ToolVersion = "9.8.7";

    // A small TRX router image (the tree fixture in SquashFS behind a uImage); the writer's inputs are set by hand below.
    private static string Sample => TestPaths.Fixture("trx-v1.trx");

    /// <summary>An inventory shaped like a small router: an OS release, a package, two libraries linked in a cycle, one found by name only.</summary>
    internal static InventoryResult SampleInventory()
    {
        const string Layer = "trx-v1.trx@0x1074:trx/squashfs(xz)";
        var os = new Component
        {
            BomRef = "os:debian@12",
            Name = "debian",
            Version = "12",
            Type = ComponentType.OperatingSystem,
            Cpe = "cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*",
            Evidence = [new ComponentEvidence(Layer + ":/etc/os-release", "/etc/os-release", EvidenceMethod.PackageDb, 1.0, "VERSION_ID=\"12\"")],
        };
        var busybox = new Component
        {
            BomRef = "pkg:deb/debian/busybox@1:1.35.0-4+b3",
            Name = "busybox",
            Version = "1.35.0",
            Vendor = "busybox",
            Purl = "pkg:deb/debian/busybox@1:1.35.0-4+b3?arch=mipsel",
            Cpe = "cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*",
            Licenses = ["gpl-2.0-only", "GPL-2+", "GPL-2.0-only"],
            Sha256 = new string('A', 64),
            MainFile = Layer + ":/bin/busybox",
            DependsOn = ["lib:libc.so.6", "lib:missing"],
            Evidence =
            [
                new ComponentEvidence(Layer + ":/bin/busybox", "/bin/busybox", EvidenceMethod.BinarySignature, 0.9, "BusyBox v1.35.0 (Debian 1:1.35.0-4+b3)"),
                new ComponentEvidence(Layer + ":/var/lib/dpkg/status", "/var/lib/dpkg/status", EvidenceMethod.PackageDb, 1.0, "Package: busybox"),
                new ComponentEvidence(Layer + ":/var/lib/dpkg/status", "/var/lib/dpkg/status", EvidenceMethod.PackageDb, 1.0, "Package: busybox"),
            ],
        };
        var libc = new Component
        {
            BomRef = "lib:libc.so.6",
            Name = "glibc",
            Type = ComponentType.Library,
            DependsOn = ["lib:ld.so"],
            Evidence = [new ComponentEvidence(Layer + ":/lib/libc.so.6", "/lib/libc.so.6", EvidenceMethod.ElfSoname, 0.5, "SONAME libc.so.6")],
        };
        var ld = new Component
        {
            BomRef = "lib:ld.so",
            Name = "ld.so",
            Type = ComponentType.Library,
            DependsOn = ["lib:libc.so.6"],
            Evidence = [new ComponentEvidence(Layer + ":/lib/ld.so.1", "/lib/ld.so.1", EvidenceMethod.Filename, 0.3, null)],
        };
        var uboot = new Component
        {
            BomRef = "fw:u-boot@2023.01",
            Name = "u-boot",
            Version = "2023.01",
            Type = ComponentType.Firmware,
            Evidence = [new ComponentEvidence("trx-v1.trx@0x1c:trx/uimage", null, EvidenceMethod.Banner, 0.8, "U-Boot 2023.01")],
        };
        return new InventoryResult { Components = [busybox, os, libc, ld, uboot], OperatingSystem = os };
    }

    private static ScanResult ScanSample()
    {
        var result = Scan.Run(Sample);
        result.Inventory = SampleInventory();
        return result;
    }

    [Fact]
    public void Sbom_of_the_sample_is_cyclonedx_1_6_with_the_firmware_its_layers_and_the_tool()
    {
        using var result = ScanSample();
        string json = CycloneDxReportWriter.ToJson(result, ToolVersion);
        Assert.Empty(CycloneDxReportWriter.Validate(json));

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", root.GetProperty("specVersion").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", root.GetProperty("serialNumber").GetString());

        var metadata = root.GetProperty("metadata");
        Assert.Equal("1970-01-01T00:00:00Z", metadata.GetProperty("timestamp").GetString());
        var tool = Assert.Single(metadata.GetProperty("tools").GetProperty("components").EnumerateArray());
        Assert.Equal("FirmwareGate", tool.GetProperty("name").GetString());
        Assert.Equal(ToolVersion, tool.GetProperty("version").GetString());

        var firmware = metadata.GetProperty("component");
        Assert.Equal("firmware", firmware.GetProperty("type").GetString());
        Assert.Equal("trx-v1.trx", firmware.GetProperty("name").GetString());
        Assert.Equal("12", firmware.GetProperty("version").GetString());
        var hash = Assert.Single(firmware.GetProperty("hashes").EnumerateArray());
        Assert.Equal("SHA-256", hash.GetProperty("alg").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Sample))), hash.GetProperty("content").GetString());

        // The recognised layers nest inside the firmware in tree order, named by location.
        var trx = Assert.Single(firmware.GetProperty("components").EnumerateArray());
        Assert.Equal("trx-v1.trx@0x0:trx", trx.GetProperty("name").GetString());
        Assert.Equal("layer:1", trx.GetProperty("bom-ref").GetString());
        Assert.Equal(
            // Offsets in the image: the TRX header is 28 bytes; its partition table puts the SquashFS at 0x1074.
            ["trx-v1.trx@0x1c:trx/uimage", "trx-v1.trx@0x1074:trx/squashfs(xz)"],
            trx.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var squashfs = trx.GetProperty("components")[1];
        Assert.Equal("file", squashfs.GetProperty("type").GetString());
        var props = squashfs.GetProperty("properties").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString());
        Assert.Equal("squashfs", props["firmwaregate:layer:format"]);
        Assert.Equal("xz", props["firmwaregate:layer:compression"]);
        Assert.Equal("4212", props["firmwaregate:layer:offset"]);
        Assert.Equal(result.AllLayers.Single(l => l.Format == "squashfs").FileSystem!.Entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), props["firmwaregate:layer:entries"]);
    }

    [Fact]
    public void Components_carry_identity_evidence_licences_and_hashes()
    {
        using var result = ScanSample();
        using var doc = JsonDocument.Parse(CycloneDxReportWriter.ToJson(result, ToolVersion));
        var components = doc.RootElement.GetProperty("components").EnumerateArray().ToList();

        // Sorted by name.
        Assert.Equal(["busybox", "debian", "glibc", "ld.so", "u-boot"], components.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["application", "operating-system", "library", "library", "firmware"], components.Select(c => c.GetProperty("type").GetString()));

        var busybox = components[0];
        Assert.Equal("pkg:deb/debian/busybox@1:1.35.0-4+b3", busybox.GetProperty("bom-ref").GetString());
        Assert.Equal("1.35.0", busybox.GetProperty("version").GetString());
        Assert.Equal("busybox", busybox.GetProperty("supplier").GetProperty("name").GetString());
        Assert.Equal("pkg:deb/debian/busybox@1:1.35.0-4+b3?arch=mipsel", busybox.GetProperty("purl").GetString());
        Assert.Equal("cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*", busybox.GetProperty("cpe").GetString());
        Assert.Equal(new string('a', 64), busybox.GetProperty("hashes")[0].GetProperty("content").GetString());

        // An SPDX id in any case is written as the id, once; anything else as a name.
        var licences = busybox.GetProperty("licenses").EnumerateArray().Select(l => l.GetProperty("license")).ToList();
        Assert.Equal(2, licences.Count);
        Assert.Equal("GPL-2.0-only", licences[0].GetProperty("id").GetString());
        Assert.Equal("GPL-2+", licences[1].GetProperty("name").GetString());

        var evidence = busybox.GetProperty("evidence");
        Assert.Equal(
            ["trx-v1.trx@0x1074:trx/squashfs(xz):/bin/busybox", "trx-v1.trx@0x1074:trx/squashfs(xz):/var/lib/dpkg/status"],
            evidence.GetProperty("occurrences").EnumerateArray().Select(o => o.GetProperty("location").GetString()));
        var identity = Assert.Single(evidence.GetProperty("identity").EnumerateArray());
        Assert.Equal("purl", identity.GetProperty("field").GetString());
        Assert.Equal(1.0, identity.GetProperty("confidence").GetDouble());
        Assert.Equal("pkg:deb/debian/busybox@1:1.35.0-4+b3?arch=mipsel", identity.GetProperty("concludedValue").GetString());
        var methods = identity.GetProperty("methods").EnumerateArray().ToList();
        Assert.Equal(["binary-analysis", "manifest-analysis"], methods.Select(m => m.GetProperty("technique").GetString()));
        Assert.Equal([0.9, 1.0], methods.Select(m => m.GetProperty("confidence").GetDouble()));
        Assert.Equal("BusyBox v1.35.0 (Debian 1:1.35.0-4+b3)", methods[0].GetProperty("value").GetString());

        // No version found: no version key. Identity falls back to cpe, then name; methods per evidence kind.
        var glibc = components[2];
        Assert.False(glibc.TryGetProperty("version", out _));
        Assert.False(glibc.TryGetProperty("supplier", out _));
        Assert.Equal("name", glibc.GetProperty("evidence").GetProperty("identity")[0].GetProperty("field").GetString());
        Assert.Equal("binary-analysis", glibc.GetProperty("evidence").GetProperty("identity")[0].GetProperty("methods")[0].GetProperty("technique").GetString());
        Assert.Equal("cpe", components[1].GetProperty("evidence").GetProperty("identity")[0].GetProperty("field").GetString());
        var ldMethod = components[3].GetProperty("evidence").GetProperty("identity")[0].GetProperty("methods")[0];
        Assert.Equal("filename", ldMethod.GetProperty("technique").GetString());
        Assert.False(ldMethod.TryGetProperty("value", out _));
        Assert.Equal("binary-analysis", components[4].GetProperty("evidence").GetProperty("identity")[0].GetProperty("methods")[0].GetProperty("technique").GetString());
    }

    [Fact]
    public void Dependencies_follow_links_and_hang_every_component_off_the_firmware()
    {
        using var result = ScanSample();
        using var doc = JsonDocument.Parse(CycloneDxReportWriter.ToJson(result, ToolVersion));
        var deps = doc.RootElement.GetProperty("dependencies").EnumerateArray()
            .ToDictionary(d => d.GetProperty("ref").GetString()!, d => d.TryGetProperty("dependsOn", out var on) ? on.EnumerateArray().Select(e => e.GetString()!).ToList() : []);

        // busybox -> libc (the dangling "lib:missing" is dropped); libc <-> ld.so is a cycle nothing else reaches but through busybox.
        Assert.Equal(["lib:libc.so.6"], deps["pkg:deb/debian/busybox@1:1.35.0-4+b3"]);
        Assert.Equal(["lib:ld.so"], deps["lib:libc.so.6"]);
        Assert.Equal(["lib:libc.so.6"], deps["lib:ld.so"]);

        // The firmware depends on the components no other component links against.
        Assert.Equal(["fw:u-boot@2023.01", "os:debian@12", "pkg:deb/debian/busybox@1:1.35.0-4+b3"], deps["firmware:trx-v1.trx"]);
        Assert.Equal(4, deps.Count);
    }

    [Fact]
    public void A_link_cycle_reachable_from_nothing_still_hangs_off_the_firmware()
    {
        using var result = Scan.Run(Sample);
        var inventory = SampleInventory();
        result.Inventory = new InventoryResult { Components = [.. inventory.Components.Where(c => c.Name != "busybox")] };
        using var doc = JsonDocument.Parse(CycloneDxReportWriter.ToJson(result, ToolVersion));
        var firmware = doc.RootElement.GetProperty("dependencies")[0];
        Assert.Equal("firmware:trx-v1.trx", firmware.GetProperty("ref").GetString());
        Assert.Equal(["fw:u-boot@2023.01", "lib:libc.so.6", "os:debian@12"], firmware.GetProperty("dependsOn").EnumerateArray().Select(e => e.GetString()));

        // Without an OS release the firmware has no version.
        Assert.False(doc.RootElement.GetProperty("metadata").GetProperty("component").TryGetProperty("version", out _));
    }

    [Fact]
    public void Same_image_gives_byte_identical_sboms_and_the_serial_depends_on_image_and_tool_version()
    {
        using var a = ScanSample();
        using var b = ScanSample();
        string first = CycloneDxReportWriter.ToJson(a, ToolVersion);
        Assert.Equal(first, CycloneDxReportWriter.ToJson(b, ToolVersion));
        Assert.EndsWith("}\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", first, StringComparison.Ordinal);

        string serial = CycloneDxReportWriter.SerialNumber(a.Image.Sha256, ToolVersion);
        Assert.Contains($"\"serialNumber\": \"{serial}\"", first, StringComparison.Ordinal);
        Assert.NotEqual(serial, CycloneDxReportWriter.SerialNumber(a.Image.Sha256, "9.8.8"));
        Assert.NotEqual(serial, CycloneDxReportWriter.SerialNumber(new string('0', 64), ToolVersion));
    }

    [Fact]
    public async Task Without_a_given_time_the_sbom_has_no_timestamp()
    {
        if (Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") is { Length: > 0 })
        {
            return; // The environment fixes the time: every scan is reproducible here.
        }

        using var result = await new ScanPipeline().RunAsync(new ScanOptions { ImagePath = Sample }, CancellationToken.None);
        Assert.False(result.Reproducible);
        using var doc = JsonDocument.Parse(CycloneDxReportWriter.ToJson(result, ToolVersion));
        Assert.False(doc.RootElement.GetProperty("metadata").TryGetProperty("timestamp", out _));
    }

    [Fact]
    public void Name_based_uuid_matches_rfc_9562_version_5()
    {
        // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), CycloneDxReportWriter.NameBasedUuid(dns, "www.example.com"));
    }

    [Fact]
    public void Output_is_what_cyclonedx_cores_own_serializer_writes_but_identity_is_always_an_array()
    {
        using var result = ScanSample();
        string ours = CycloneDxReportWriter.ToJson(result, ToolVersion);
        var library = JsonNode.Parse(CycloneDxReportWriter.ToJsonWithLibrarySerializer(result, ToolVersion))!;

        // The library writes a single identity as a bare object (the 1.5 form, deprecated in 1.6); we write an array.
        int wrapped = 0;
        foreach (var component in library["components"]!.AsArray())
        {
            if (component!["evidence"]?["identity"] is JsonObject single)
            {
                component["evidence"]!["identity"] = new JsonArray(single.DeepClone());
                wrapped++;
            }
        }

        Assert.Equal(5, wrapped);
        var indented = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Assert.Equal(library.ToJsonString(indented), JsonNode.Parse(ours)!.ToJsonString(indented));
    }

    [Fact]
    public void Cyclonedx_cores_validator_rejects_what_the_schema_forbids()
    {
        using var result = ScanSample();
        string json = CycloneDxReportWriter.ToJson(result, ToolVersion);
        Assert.NotEmpty(CycloneDxReportWriter.Validate(json.Replace("\"type\": \"firmware\"", "\"type\": \"gadget\"", StringComparison.Ordinal)));
        Assert.NotEmpty(CycloneDxReportWriter.Validate(json.Replace("\"alg\": \"SHA-256\"", "\"alg\": \"SHA-999\"", StringComparison.Ordinal)));
        Assert.NotEmpty(CycloneDxReportWriter.Validate("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"unknown\": 1}"));
    }
}
