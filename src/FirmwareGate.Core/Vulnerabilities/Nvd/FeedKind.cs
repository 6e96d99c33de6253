namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>A feed that enriches records: which file it is and the source name the database records.</summary>
public enum FeedKind
{
    /// <summary>The CISA Known Exploited Vulnerabilities catalogue (source <c>kev</c>).</summary>
    Kev,

    /// <summary>FIRST EPSS scores (source <c>epss</c>).</summary>
    Epss,
}
