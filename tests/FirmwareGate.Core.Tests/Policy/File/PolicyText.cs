using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Tests.Policy.File;

/// <summary>Positions found by searching the policy text, to compare with what the loader reports.</summary>
internal static class PolicyText
{
    /// <summary>The 1-based line and column of the <paramref name="occurrence"/>-th (0-based) occurrence of <paramref name="needle"/>.</summary>
    public static SourcePosition At(string yaml, string needle, int occurrence = 0)
    {
        int index = -1;
        for (int i = 0; i <= occurrence; i++)
        {
            index = yaml.IndexOf(needle, index + 1, StringComparison.Ordinal);
            Assert.True(index >= 0, $"'{needle}' (occurrence {occurrence}) is not in the policy");
        }

        int line = 1 + yaml.AsSpan(0, index).Count('\n');
        int column = index - (yaml.LastIndexOf('\n', Math.Max(0, index - 1)) + 1) + 1;
        if (index > 0 && yaml[index - 1] == '\n')
        {
            column = 1;
        }

        return new SourcePosition(line, column);
    }

    /// <summary>The errors of a policy text (empty when it loads).</summary>
    public static IReadOnlyList<PolicyError> Errors(string yaml)
    {
        try
        {
            PolicyLoader.Parse(yaml, "policy.yml");
            return [];
        }
        catch (PolicyException e)
        {
            Assert.NotEmpty(e.Errors);
            return e.Errors;
        }
    }

    /// <summary>The single error of a policy text.</summary>
    public static PolicyError Error(string yaml) => Assert.Single(Errors(yaml));
}
