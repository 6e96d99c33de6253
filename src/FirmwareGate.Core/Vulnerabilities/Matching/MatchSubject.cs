using FirmwareGate.Core.Inventory;

namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>What is matched against the database: one inventory component, or what a user typed into <c>db match</c>.</summary>
/// <param name="BomRef">The component's bom-ref (for <c>db match</c>: the text the user gave).</param>
/// <param name="Name">The component or package name.</param>
/// <param name="Version">Its version, null when unknown (then nothing can be decided by version).</param>
/// <param name="Cpe">Its CPE 2.3 formatted string, null when none.</param>
/// <param name="Purl">Its purl, null when none.</param>
/// <param name="Type">The component type (an operating system is the platform of the others).</param>
public sealed record MatchSubject(string BomRef, string Name, string? Version, string? Cpe, string? Purl, ComponentType Type)
{
    /// <summary>The subject of an inventory component.</summary>
    public static MatchSubject Of(Component c) => new(c.BomRef, c.Name, c.Version, c.Cpe, c.Purl, c.Type);
}

/// <summary>Everything else in the image, for configurations whose AND nodes name a platform (the OS, hardware, another application).</summary>
/// <param name="Components">Every component of the image.</param>
/// <param name="OperatingSystem">The image's operating system when the inventory found one.</param>
public sealed record MatchPlatform(IReadOnlyList<MatchSubject> Components, MatchSubject? OperatingSystem)
{
    /// <summary>No platform known (<c>db match</c> of one component).</summary>
    public static MatchPlatform Unknown { get; } = new([], null);
}
