using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Support;

internal static class Scan
{
    public static ScanResult Run(string path, ReadLimits? limits = null, string? output = null, bool native = true) =>
        new ScanPipeline().RunAsync(
            new ScanOptions { ImagePath = path, Limits = limits ?? ReadLimits.Default, OutputDirectory = output, Now = DateTimeOffset.UnixEpoch, UseNativeCodecs = native },
            CancellationToken.None).GetAwaiter().GetResult();

    public static IEnumerable<Layer> WithFileSystem(this ScanResult result, string format) =>
        result.AllLayers.Where(l => l.FileSystem is not null && l.Format == format);

    public static Layer Single(this ScanResult result, string format) =>
        Assert.Single(result.AllLayers, l => l.Format == format);
}
