using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Parses one NVD CVE API 2.0 CVE object (<c>vulnerabilities[i].cve</c>, or a file holding just that object).</summary>
public static class NvdCveParser
{
    /// <summary>The record, or null with <paramref name="error"/> saying what is malformed.</summary>
    public static VulnerabilityRecord? Parse(JsonElement cve, out string? error)
    {
        error = "not implemented";
        return null;
    }
}
