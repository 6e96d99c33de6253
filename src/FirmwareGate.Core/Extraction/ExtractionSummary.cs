namespace FirmwareGate.Core.Extraction;

/// <summary>What an extraction wrote and what it refused.</summary>
public sealed class ExtractionSummary
{
    /// <summary>The output folder.</summary>
    public required string Root { get; init; }

    /// <summary>Regular files written.</summary>
    public int Files { get; set; }

    /// <summary>Bytes written.</summary>
    public long Bytes { get; set; }

    /// <summary>Entries refused because they would land outside the folder.</summary>
    public List<string> Warnings { get; } = [];
}
