using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats;

/// <summary>What a reader found in its layer.</summary>
public sealed class ReadResult
{
    /// <summary>Bytes of the source the layer occupies (may be less than the source).</summary>
    public required long Length { get; init; }

    /// <summary>Overrides the reader's format name (an FDT reader reports <c>fit</c> or <c>dtb</c>).</summary>
    public string? Format { get; init; }

    /// <summary>Compression of the content.</summary>
    public string? Compression { get; init; }

    /// <summary>Header fields.</summary>
    public SortedDictionary<string, string> Details { get; } = new(StringComparer.Ordinal);

    /// <summary>Problems that did not stop the read.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Nested bytes to analyse.</summary>
    public List<ChildBlob> Children { get; } = [];

    /// <summary>Entries, for filesystems and archives.</summary>
    public FileSystemTree? FileSystem { get; init; }

    /// <summary>True when archive members should be analysed for nested images (tar, zip); false for filesystems.</summary>
    public bool AnalyseMembers { get; init; }
}

/// <summary>Helpers for building results.</summary>
internal static class ReadResultExtensions
{
    /// <summary>Adds warnings and returns the result.</summary>
    public static ReadResult WithWarnings(this ReadResult result, IEnumerable<string> warnings)
    {
        result.Warnings.AddRange(warnings);
        return result;
    }
}
