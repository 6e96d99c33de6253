namespace FirmwareGate.Core.Formats;

/// <summary>A <see cref="ReadLimits"/> bound was reached (bomb protection).</summary>
public sealed class LimitExceededException(string format, long offset, string limit, string message)
    : FirmwareFormatException(format, offset, message)
{
    /// <summary>Which limit: <c>depth</c>, <c>totalBytes</c>, <c>ratio</c>, <c>files</c>, <c>layers</c>, <c>pathBytes</c>, <c>memory</c>, <c>entryBytes</c>.</summary>
    public string Limit { get; } = limit;
}
