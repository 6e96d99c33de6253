using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>Bytes inside a layer that the engine analyses in turn.</summary>
/// <param name="Data">The child's bytes (a slice for carved parts, decoded bytes for streams).</param>
/// <param name="Offset">Offset in the parent's bytes, or null for a named member.</param>
/// <param name="Name">Member name (archive entry, FIT node), or null.</param>
/// <param name="Label">Format to use when nothing recognises the bytes (<c>kernel</c>, <c>dtb</c>).</param>
/// <param name="KeepUnrecognised">Keep a layer for it even when nothing inside is recognised (structural parts).</param>
public sealed record ChildBlob(IByteSource Data, long? Offset, string? Name = null, string? Label = null, bool KeepUnrecognised = true)
{
    /// <summary>True when the child is a region of the parent's own bytes (not decoded); coverage recurses into it.</summary>
    public bool Carved { get; init; }

    /// <summary>
    /// Position of a carved child in the parent's bytes when <see cref="Offset"/> is null (a named
    /// FIT node): coverage needs it, the report does not show it.
    /// </summary>
    public long? CarvedOffset { get; init; }

    /// <summary>The format the parent's header says the child is (uImage comp field, FIT compression); checked.</summary>
    public string? ExpectedFormat { get; init; }

    /// <summary>Extra details copied onto the child layer (FIT description, uImage type).</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }
}
