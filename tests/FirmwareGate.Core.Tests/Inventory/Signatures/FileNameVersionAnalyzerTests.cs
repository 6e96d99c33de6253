using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.Signatures;
using static FirmwareGate.Core.Tests.Inventory.Signatures.SignatureTestFiles;

namespace FirmwareGate.Core.Tests.Inventory.Signatures;

public class FileNameVersionAnalyzerTests
{
    private static readonly FileNameVersionAnalyzer Analyzer = new(ProductCatalog.Default);

    // Real library file names from Debian 12 packages (the corpus file lists), with their upstream versions.
    [Theory]
    [InlineData("/lib/x86_64-linux-gnu/libz.so.1.2.13", "zlib", "1.2.13")]
    [InlineData("/lib/aarch64-linux-gnu/liblzma.so.5.4.1", "xz", "5.4.1")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libzstd.so.1.5.4", "zstd", "1.5.4")]
    [InlineData("/usr/lib/x86_64-linux-gnu/liblz4.so.1.9.4", "lz4", "1.9.4")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libpcap.so.1.10.3", "libpcap", "1.10.3")]
    [InlineData("/lib/aarch64-linux-gnu/libcap.so.2.66", "libcap", "2.66")]
    [InlineData("/usr/lib/mipsel-linux-gnu/libmbedcrypto.so.2.28.3", "mbedtls", "2.28.3")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libxml2.so.2.9.14", "libxml2", "2.9.14")]
    public void Library_names_carrying_the_upstream_version_give_it(string path, string product, string version)
    {
        var (observations, _, wanted) = Run(Analyzer, path, [1, 2, 3]);

        Assert.True(wanted);
        var found = Assert.Single(observations);
        Assert.Equal(product, found.Product?.Id);
        Assert.Equal(version, found.Version);
        Assert.Equal(EvidenceMethod.Filename, found.Method);
        Assert.Equal(FileNameVersionAnalyzer.Confidence, found.Confidence);
        Assert.Equal(path, found.Path);
    }

    // Library names whose numbers are ABI versions, not the product's version: never read as one.
    [Theory]
    [InlineData("/usr/lib/x86_64-linux-gnu/libjson-c.so.5.2.0")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libsqlite3.so.0.8.6")]
    [InlineData("/lib/x86_64-linux-gnu/libexpat.so.1.8.10")]
    [InlineData("/lib/x86_64-linux-gnu/libbz2.so.1.0.4")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libpng16.so.16.39.0")]
    [InlineData("/lib/x86_64-linux-gnu/libz.so.1")]
    [InlineData("/usr/share/doc/zlib1g/libz.so.1.2.13.txt")]
    public void Other_names_give_nothing(string path) =>
        Assert.False(Run(Analyzer, path, [1, 2, 3]).Wanted);
}
