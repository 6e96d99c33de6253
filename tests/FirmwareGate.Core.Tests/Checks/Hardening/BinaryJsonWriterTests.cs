using System.Text.Json;
using FirmwareGate.Core.Checks.Hardening;
using FirmwareGate.Core.Elf;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Checks.Hardening;

/// <summary><c>binaries[]</c> of the JSON report, from real fixture binaries.</summary>
public sealed class BinaryJsonWriterTests
{
    [Fact]
    public void Each_property_is_written_with_its_value_and_evidence_in_a_stable_order()
    {
        var cet = Build("x86_64-cet-static");
        var mips = Build("mipsel-lib.so");
        var json = Write([cet, mips]);
        Assert.Equal(json, Write([cet, mips]));

        using var doc = JsonDocument.Parse(json);
        var items = doc.RootElement.GetProperty("binaries").EnumerateArray().ToList();
        Assert.Equal(
            ["path", "location", "arch", "bits", "endian", "type", "nx", "pie", "relro", "canary", "fortify", "stripped", "rpath", "runpath", "cet", "imports", "importCounts", "listensOnNetwork"],
            items[0].EnumerateObject().Select(p => p.Name));

        // readelf: x86_64-cet-static is ELF64 LSB EXEC, GNU_STACK RW, x86 feature IBT, SHSTK, no RELRO.
        var x = items[0];
        Assert.Equal(("x86-64", 64, "little", "exec"), (x.GetProperty("arch").GetString(), x.GetProperty("bits").GetInt32(), x.GetProperty("endian").GetString(), x.GetProperty("type").GetString()));
        Assert.True(x.GetProperty("nx").GetProperty("value").GetBoolean());
        Assert.Equal("PT_GNU_STACK flags RW", x.GetProperty("nx").GetProperty("evidence").GetString());
        Assert.Equal("none", x.GetProperty("relro").GetProperty("value").GetString());
        Assert.True(x.GetProperty("cet").GetProperty("ibt").GetBoolean());
        Assert.True(x.GetProperty("cet").GetProperty("shstk").GetBoolean());

        // readelf: mipsel-lib.so is a MIPS ELF32 DSO with GNU_STACK RWE; CET does not apply; no RPATH.
        var m = items[1];
        Assert.Equal("mips", m.GetProperty("arch").GetString());
        Assert.False(m.GetProperty("nx").GetProperty("value").GetBoolean());
        Assert.Equal("dso", m.GetProperty("pie").GetProperty("value").GetString());
        Assert.Equal(JsonValueKind.Null, m.GetProperty("cet").ValueKind);
        Assert.Equal(JsonValueKind.Null, m.GetProperty("rpath").GetProperty("value").ValueKind);
        Assert.Equal("no DT_RPATH", m.GetProperty("rpath").GetProperty("evidence").GetString());
    }

    [Fact]
    public void Unknown_canary_is_written_as_null()
    {
        var elf = ElfFile.Parse(File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", "aarch64-static"))), ElfReadOptions.Default);
        using var doc = JsonDocument.Parse(Write([HardeningAnalyzer.Build("/sbin/x", "img:/sbin/x", elf)]));
        var canary = doc.RootElement.GetProperty("binaries")[0].GetProperty("canary");
        Assert.Equal(JsonValueKind.Null, canary.GetProperty("value").ValueKind);
    }

    private static BinaryHardening Build(string name)
    {
        var elf = ElfFile.Parse(File.ReadAllBytes(TestPaths.Fixture(Path.Combine("elf", name))), ElfReadOptions.WithSymbols);
        return HardeningAnalyzer.Build("/bin/" + name, "img@0x0:squashfs:/bin/" + name, elf);
    }

    private static string Write(IReadOnlyList<BinaryHardening> binaries)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            BinaryJsonWriter.Write(w, binaries);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
