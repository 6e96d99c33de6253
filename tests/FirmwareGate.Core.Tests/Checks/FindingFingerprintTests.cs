using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Tests.Checks;

/// <summary>Fingerprints name a finding by rule, path inside the filesystem and key, not by where the filesystem sits.</summary>
public sealed class FindingFingerprintTests
{
    [Fact]
    public void A_file_keeps_its_fingerprint_across_images_offsets_and_containers()
    {
        string a = Finding.FingerprintOf("fs.setuid", "fw-1.0.trx@0x1c:trx/squashfs(xz):/usr/bin/sudo", "");
        string b = Finding.FingerprintOf("fs.setuid", "fw-1.1.bin@0x40000:squashfs(xz):/usr/bin/sudo", "");
        string c = Finding.FingerprintOf("fs.setuid", "upgrade.zip:zip/squashfs(lz4):/usr/bin/sudo", "");
        Assert.Equal(a, b);
        Assert.Equal(a, c);
    }

    [Fact]
    public void A_raw_layer_is_named_by_its_format_chain_without_offsets()
    {
        string a = Finding.FingerprintOf("key.private-unencrypted", "fw.bin@0x1000:trx/unknown", "0x20");
        string b = Finding.FingerprintOf("key.private-unencrypted", "fw.bin@0x2000:trx/unknown", "0x20");
        string c = Finding.FingerprintOf("key.private-unencrypted", "fw.bin@0x1000:uimage/unknown", "0x20");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
