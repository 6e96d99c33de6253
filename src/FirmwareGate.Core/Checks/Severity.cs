namespace FirmwareGate.Core.Checks;

/// <summary>How bad a finding is, lowest first (the report writes the lower-case name).</summary>
public enum Severity
{
    /// <summary>Worth knowing; not a weakness by itself.</summary>
    Info,

    /// <summary>A weakness with little impact alone.</summary>
    Low,

    /// <summary>A weakness an attacker can use with some effort.</summary>
    Medium,

    /// <summary>A weakness an attacker can use directly.</summary>
    High,

    /// <summary>Immediate compromise (an unencrypted key of a TLS certificate, a default root password).</summary>
    Critical,
}

/// <summary>Report names of <see cref="Severity"/>.</summary>
public static class SeverityNames
{
    /// <summary>"critical", "high", "medium", "low" or "info".</summary>
    public static string Of(Severity severity) => severity switch
    {
        Severity.Critical => "critical",
        Severity.High => "high",
        Severity.Medium => "medium",
        Severity.Low => "low",
        _ => "info",
    };
}
