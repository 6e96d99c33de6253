using FirmwareGate.Core.Policy;

namespace FirmwareGate.Action;

/// <summary>One violation as an annotation: on the policy line that decided it when the policy is in the workspace, else on the image.</summary>
internal sealed record ViolationAnnotation(PolicyLevel Level, string Title, string Message, string? File, int? Line);
