namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>The formats an offline file can hold, detected from its content.</summary>
public enum SourceFormat
{
    /// <summary>Not a vulnerability source.</summary>
    Unknown,

    /// <summary>One NVD CVE API 2.0 CVE object (or <c>{"cve": {...}}</c>).</summary>
    NvdCve,

    /// <summary>An NVD CVE API 2.0 response page or 2.0 feed file.</summary>
    NvdPage,

    /// <summary>A CVE JSON 5 record.</summary>
    Cve5,

    /// <summary>One OSV record.</summary>
    Osv,

    /// <summary>A JSON array of OSV records.</summary>
    OsvArray,

    /// <summary>The CISA Known Exploited Vulnerabilities catalogue.</summary>
    Kev,

    /// <summary>FIRST EPSS scores, CSV.</summary>
    Epss,

    /// <summary>A JSON Schema document (e.g. the KEV schema shipped next to the catalogue): not data, ignored.</summary>
    JsonSchema,
}
