namespace FirmwareGate.MSBuild;

/// <summary>
/// The stable MSBuild codes of the gate's diagnostics (docs/msbuild.md). A code names a rule area, never a
/// position in a list: new rules of an area keep its code, a new area gets a new code.
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>The firmware image does not exist.</summary>
    public const string ImageMissing = "FG0001";

    /// <summary>The policy file is missing or malformed (file, line and column of each error).</summary>
    public const string PolicyError = "FG0002";

    /// <summary>The vulnerability database does not exist.</summary>
    public const string DatabaseMissing = "FG0003";

    /// <summary>The gate rejected its input (an unreadable image, a bad option or database).</summary>
    public const string InputError = "FG0004";

    /// <summary>The gate could not run or its report could not be read.</summary>
    public const string GateError = "FG0005";

    /// <summary>An analysis warning: a layer could not be unpacked or a limit was hit.</summary>
    public const string AnalysisWarning = "FG0006";

    /// <summary>A waiver past its expiry date: it waives nothing.</summary>
    public const string WaiverExpired = "FG0007";

    /// <summary>An unexpired waiver that matched nothing.</summary>
    public const string WaiverStale = "FG0008";

    /// <summary>A known vulnerability (CVE, GHSA, ...) of a component.</summary>
    public const string Vulnerability = "FG1000";

    /// <summary>account.* findings.</summary>
    public const string Account = "FG1100";

    /// <summary>cert.* findings.</summary>
    public const string Certificate = "FG1200";

    /// <summary>key.* findings.</summary>
    public const string PrivateKey = "FG1300";

    /// <summary>config.* findings.</summary>
    public const string Config = "FG1400";

    /// <summary>secret.* findings.</summary>
    public const string Secret = "FG1500";

    /// <summary>fs.* findings.</summary>
    public const string FileSystem = "FG1600";

    /// <summary>elf.* findings.</summary>
    public const string Elf = "FG1700";

    /// <summary>hardening.* violations.</summary>
    public const string Hardening = "FG1800";

    /// <summary>component.* violations (denied, minimum version, licence).</summary>
    public const string Component = "FG1900";

    /// <summary>analysis.* and completeness violations.</summary>
    public const string Completeness = "FG2000";

    /// <summary>database.* violations (age, missing).</summary>
    public const string Database = "FG2100";

    /// <summary>A finding of a rule area not listed above.</summary>
    public const string OtherFinding = "FG2900";

    /// <summary>The code of a violation from its report <c>kind</c> and <c>ruleId</c>.</summary>
    public static string ForViolation(string kind, string ruleId)
    {
        if (kind == "vulnerability")
        {
            return Vulnerability;
        }

        var dot = ruleId.IndexOf('.', StringComparison.Ordinal);
        var area = dot > 0 ? ruleId[..dot] : kind;
        return area switch
        {
            "account" => Account,
            "cert" => Certificate,
            "key" => PrivateKey,
            "config" => Config,
            "secret" => Secret,
            "fs" => FileSystem,
            "elf" => Elf,
            "hardening" => Hardening,
            "component" => Component,
            "analysis" or "completeness" => Completeness,
            "database" => Database,
            _ => OtherFinding,
        };
    }
}
