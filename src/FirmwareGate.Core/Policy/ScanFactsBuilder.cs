using FirmwareGate.Core.Pipeline;

namespace FirmwareGate.Core.Policy;

/// <summary>Builds <see cref="ScanFacts"/> from a scan of this process.</summary>
internal static class ScanFactsBuilder
{
    public static ScanFacts From(ScanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        throw new NotImplementedException();
    }
}
