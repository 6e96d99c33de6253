namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>Progress of an update, for a progress line.</summary>
/// <param name="Done">Records received so far in this run.</param>
/// <param name="Total">Records the current window holds, null before the first page.</param>
/// <param name="Message">What is happening (waiting for the rate limit, retrying after 503...).</param>
public sealed record UpdateProgress(long Done, long? Total, string Message);
