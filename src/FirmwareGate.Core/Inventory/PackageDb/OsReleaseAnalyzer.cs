using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// OS release files: <c>/etc/os-release</c>, <c>/usr/lib/os-release</c>, <c>/etc/openwrt_release</c>,
/// <c>/etc/lsb-release</c>, <c>/etc/alpine-release</c>, <c>/etc/debian_version</c>, <c>/etc/issue</c> (Poky),
/// <c>/etc/openwrt_version</c>, <c>/etc/version</c>. Each file gives an <see cref="OsRelease"/> record of its
/// raw values; each filesystem layer gives one operating-system <see cref="ComponentObservation"/>, named as
/// <see cref="OsIdentity"/> describes from all the release files of the layer, and emitted by the analysis of
/// the first of <see cref="ReleaseFacts.Candidates"/> present.
/// </summary>
public sealed class OsReleaseAnalyzer : IFileAnalyzer
{
    /// <inheritdoc/>
    public string Name => "os-release";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) =>
        target.IsFile && target.Size <= ReleaseFacts.MaxFileBytes && Array.IndexOf(ReleaseFacts.Candidates, target.Path) >= 0;

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        var warnings = new FileWarnings(sink, target, Name);
        var fields = ReleaseFacts.ParseFile(target.Path, ReleaseFacts.Decode(file.Bytes), warnings.Add);
        warnings.Flush();
        sink.Add(new OsRelease(target.Layer.Location, target.Path, fields));

        var facts = ReleaseFacts.Of(target.Layer);
        if (facts.FirstPath != target.Path || OsIdentity.Resolve(facts) is not { } os)
        {
            return;
        }

        sink.Add(new ComponentObservation
        {
            Name = os.Name,
            Version = os.Version,
            Vendor = os.Vendor,
            Cpe = os.Cpe,
            Type = ComponentType.OperatingSystem,
            Method = EvidenceMethod.PackageDb,
            Confidence = 1.0,
            Location = target.Layer.Location + ":" + os.Path,
            Path = os.Path,
            Detail = os.Detail,
        });
    }
}
