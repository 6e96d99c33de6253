namespace FirmwareGate.Core.Policy;

/// <summary>What a policy rule makes of what it matches, weakest first.</summary>
public enum PolicyLevel
{
    /// <summary>Explicitly ignored: not reported as a violation.</summary>
    Off,

    /// <summary>Reported, never fails.</summary>
    Note,

    /// <summary>Reported prominently, never fails (unless the front end treats warnings as errors).</summary>
    Warning,

    /// <summary>Fails the gate unless waived (or, with a baseline and <c>baseline: new-only</c>, already there before).</summary>
    Error,
}

/// <summary>Policy-file and report names of <see cref="PolicyLevel"/>.</summary>
public static class PolicyLevelNames
{
    /// <summary>"off", "note", "warning" or "error".</summary>
    public static string Of(PolicyLevel level) => level switch
    {
        PolicyLevel.Error => "error",
        PolicyLevel.Warning => "warning",
        PolicyLevel.Note => "note",
        _ => "off",
    };

    /// <summary>Parses a level name (case-sensitive, as the schema says); false when it is not one.</summary>
    public static bool TryParse(string? text, out PolicyLevel level)
    {
        (bool ok, level) = text switch
        {
            "error" => (true, PolicyLevel.Error),
            "warning" => (true, PolicyLevel.Warning),
            "note" => (true, PolicyLevel.Note),
            "off" => (true, PolicyLevel.Off),
            _ => (false, PolicyLevel.Off),
        };
        return ok;
    }
}
