namespace FirmwareGate.MSBuild;

/// <summary>An expired or stale waiver of the JSON report's <c>policy.waivers</c>.</summary>
/// <param name="Id">The waiver's id, e.g. <c>waivers[0]</c>.</param>
/// <param name="Owner">Who owns it.</param>
/// <param name="Expires">Its last day (yyyy-MM-dd).</param>
/// <param name="Line">Its line in the policy file.</param>
public sealed record ReportedWaiver(string Id, string? Owner, string? Expires, int? Line);
