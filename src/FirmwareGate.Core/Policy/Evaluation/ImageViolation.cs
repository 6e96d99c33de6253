namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>Violations about the whole image (completeness, database): located at the image, fingerprinted by rule id.</summary>
internal static class ImageViolation
{
    public static Judged Of(ViolationKind kind, string ruleId, string reference, string message, ScanFacts facts, PolicyRule rule) =>
        new(
            new Violation
            {
                Kind = kind,
                RuleId = ruleId,
                Ref = reference,
                Fingerprint = PolicyFingerprints.Image(ruleId),
                Message = Messages.OneLine(message),
                Location = facts.ImageName,
                Level = rule.Level,
                PolicyRule = rule.Id,
                PolicyPosition = rule.Position,
            },
            [],
            null,
            null);
}
