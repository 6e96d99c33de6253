using CsCheck;
using FirmwareGate.Core.Vulnerabilities.Cpe;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Matching;

public sealed class CpeNameTests
{
    [Fact]
    public void Parses_every_attribute_in_order()
    {
        CpeName? cpe = CpeName.TryParse("cpe:2.3:a:openvpn:openvpn:2.6.6:-:*:en:community:*:x64:*");
        Assert.NotNull(cpe);
        Assert.Equal(["a", "openvpn", "openvpn", "2.6.6", "-", "*", "en", "community", "*", "x64", "*"], cpe.Attributes);
        Assert.True(CpeName.IsNotApplicable(cpe.Update));
        Assert.True(CpeName.IsAny(cpe.Edition));
        Assert.Equal("openvpn:openvpn", cpe.VendorProduct);
    }

    [Theory]
    [InlineData(@"cpe:2.3:a:netapp:solidfire_\&_hci_management_node:*:*:*:*:*:*:*:*", "solidfire_&_hci_management_node")]
    [InlineData(@"cpe:2.3:a:vendor:product\.js:*:*:*:*:*:*:*:*", "product.js")]
    [InlineData(@"cpe:2.3:a:vendor:a\:b:*:*:*:*:*:*:*:*", "a:b")]
    [InlineData(@"cpe:2.3:a:vendor:star\*:*:*:*:*:*:*:*:*", @"star\*")]
    [InlineData(@"cpe:2.3:a:vendor:\-:*:*:*:*:*:*:*:*", @"\-")]
    public void Removes_escapes_but_keeps_literal_wildcards_quoted(string text, string product)
    {
        CpeName? cpe = CpeName.TryParse(text);
        Assert.NotNull(cpe);
        Assert.Equal(product, cpe.Product);
        Assert.Equal("*", cpe.Version);
    }

    [Fact]
    public void Missing_trailing_attributes_are_any()
    {
        CpeName? cpe = CpeName.TryParse("cpe:2.3:a:busybox:busybox:1.36.1");
        Assert.NotNull(cpe);
        Assert.Equal("1.36.1", cpe.Version);
        Assert.All(cpe.Attributes.Skip(4), v => Assert.Equal("*", v));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpe:/a:busybox:busybox:1.36.1")]
    [InlineData("cpe:2.3:a:busybox")]
    [InlineData("cpe:2.3:x:busybox:busybox:*:*:*:*:*:*:*:*")]
    [InlineData("cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*:extra")]
    [InlineData("cpe:2.3:a::busybox:*:*:*:*:*:*:*:*")]
    [InlineData(@"cpe:2.3:a:busybox:busybox:1.0\")]
    [InlineData("cpe:2.3:a:bus box:busybox:*:*:*:*:*:*:*:*")]
    public void Malformed_strings_give_null(string? text) => Assert.Null(CpeName.TryParse(text));

    [Theory]
    // NISTIR 7696 table 6-2, source (criteria) then target (component).
    [InlineData("*", "*", CpeRelation.Equal)]
    [InlineData("*", "busybox", CpeRelation.Superset)]
    [InlineData("*", "-", CpeRelation.Superset)]
    [InlineData("-", "-", CpeRelation.Equal)]
    [InlineData("-", "*", CpeRelation.Subset)]
    [InlineData("-", "1.0", CpeRelation.Disjoint)]
    [InlineData("busybox", "*", CpeRelation.Subset)]
    [InlineData("busybox", "-", CpeRelation.Disjoint)]
    [InlineData("BusyBox", "busybox", CpeRelation.Equal)]
    [InlineData("busybox", "toybox", CpeRelation.Disjoint)]
    [InlineData("linux*", "linux_kernel", CpeRelation.Superset)]
    [InlineData("1.?", "1.2", CpeRelation.Superset)]
    [InlineData("1.?", "1.23", CpeRelation.Disjoint)]
    [InlineData(@"star\*", "stars", CpeRelation.Disjoint)]
    [InlineData("busybox", "busy*", CpeRelation.Disjoint)]
    public void Attribute_relations_follow_nistir_7696(string source, string target, CpeRelation expected) =>
        Assert.Equal(expected, CpeAttribute.Compare(source, target));

    [Fact]
    public void Parsing_never_throws_and_round_trips_attribute_count()
    {
        Gen<string> noise = Gen.Char[":\\*?-.abc0 \u0000é"].Array[0, 40].Select(a => new string(a));
        string[] prefixes = ["cpe:2.3:", "cpe:2.3:a:", "CPE:2.3:o:v:p:", "cpe:", ""];
        Gen.Select(Gen.Int[0, prefixes.Length - 1].Select(i => prefixes[i]), noise)
            .Sample(t =>
            {
                string text = t.Item1 + t.Item2;
                CpeName? cpe = CpeName.TryParse(text);
                if (cpe is not null)
                {
                    Assert.Equal(11, cpe.Attributes.Count);
                    Assert.All(cpe.Attributes, v => Assert.NotEmpty(v));
                    Assert.Contains(cpe.Part, new[] { "a", "o", "h", "*" });
                    _ = CpeAttribute.Compare(cpe.Product, cpe.Vendor);
                }
            }, iter: 20_000, threads: 1);
    }
}
