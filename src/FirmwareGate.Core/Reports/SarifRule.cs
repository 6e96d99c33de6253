namespace FirmwareGate.Core.Reports;

/// <summary>One <c>tool.driver.rules[]</c> entry of the SARIF log.</summary>
/// <param name="Id">The rule id results refer to.</param>
/// <param name="Name">A Pascal-case name (SARIF <c>name</c>).</param>
/// <param name="Short">One line (<c>shortDescription</c>).</param>
/// <param name="Full">A paragraph (<c>fullDescription</c>).</param>
/// <param name="HelpMarkdown">Help in Markdown (<c>help.markdown</c>); <paramref name="Full"/> is the plain text.</param>
/// <param name="HelpUri">Where the rule is documented.</param>
/// <param name="SecuritySeverity">GitHub's <c>security-severity</c> (a CVSS-like score as text), null when none.</param>
/// <param name="Tags">Rule tags, sorted.</param>
internal sealed record SarifRule(string Id, string Name, string Short, string Full, string HelpMarkdown, string HelpUri, string? SecuritySeverity, IReadOnlyList<string> Tags)
{
    /// <summary>Extra rule properties (vulnerability severity, CVSS, KEV), in write order.</summary>
    public IReadOnlyList<(string Name, string Value)> Properties { get; init; } = [];
}
