namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>A violation before waivers and the baseline, with what waivers match besides its own fields.</summary>
/// <param name="Violation">The violation (not waived, not failing yet).</param>
/// <param name="Ids">For a vulnerability: its id and aliases; else empty.</param>
/// <param name="ComponentName">The component it is about, when it is about one.</param>
/// <param name="ComponentVersion">That component's version, when known.</param>
internal sealed record Judged(Violation Violation, IReadOnlyList<string> Ids, string? ComponentName, string? ComponentVersion);
