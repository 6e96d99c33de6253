using System.Text;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>One kind of credential: a literal anchor found with a vectorised span search, then a precise check of the bytes around it.</summary>
/// <param name="RuleId">Rule id of the finding.</param>
/// <param name="Label">What it is, for people ("AWS access key id").</param>
/// <param name="Anchor">The literal searched for (ASCII).</param>
/// <param name="Match">Given the data and the anchor's offset, the credential's start and length, or false.</param>
internal sealed record CredentialPattern(string RuleId, string Label, byte[] Anchor, CredentialMatcher Match);

/// <summary>Checks the bytes at an anchor; returns the credential's span in <paramref name="data"/>.</summary>
internal delegate bool CredentialMatcher(ReadOnlySpan<byte> data, int anchor, out int start, out int length);

/// <summary>
/// The credential formats searched for. Each is a fixed, documented prefix or name followed by a fixed alphabet
/// and length, bounded on both sides, so a match is a credential of that kind and not a word that happens to
/// contain the prefix: AWS key ids (<c>AKIA</c>/<c>ASIA</c> + 16 of [A-Z0-9]), AWS secret keys (40 base64
/// characters after a name like <c>aws_secret_access_key</c>), GitHub tokens (<c>ghp_</c>, <c>gho_</c>,
/// <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c> + 36 or more alphanumerics; <c>github_pat_</c>), GitLab personal tokens
/// (<c>glpat-</c>), Slack tokens (<c>xoxb-</c> and kin followed by a numeric team id), Google API keys (<c>AIza</c>
/// + 35), Stripe live secret and restricted keys (<c>sk_live_</c>, <c>rk_live_</c>), npm tokens (<c>npm_</c> + 36)
/// and PyPI upload tokens (<c>pypi-AgEIcHlwaS5vcmc</c>, the base64 of their fixed header).
/// </summary>
internal static class CredentialPatterns
{
    /// <summary>Rule ids.</summary>
    public const string AwsAccessKey = "secret.aws_access_key";

    /// <summary>Rule id of AWS secret access keys.</summary>
    public const string AwsSecretKey = "secret.aws_secret_key";

    /// <summary>Rule id of GitHub tokens.</summary>
    public const string GitHubToken = "secret.github_token";

    /// <summary>Rule id of GitLab tokens.</summary>
    public const string GitLabToken = "secret.gitlab_token";

    /// <summary>Rule id of Slack tokens.</summary>
    public const string SlackToken = "secret.slack_token";

    /// <summary>Rule id of Google API keys.</summary>
    public const string GoogleApiKey = "secret.google_api_key";

    /// <summary>Rule id of Stripe keys.</summary>
    public const string StripeKey = "secret.stripe_key";

    /// <summary>Rule id of npm tokens.</summary>
    public const string NpmToken = "secret.npm_token";

    /// <summary>Rule id of PyPI tokens.</summary>
    public const string PyPiToken = "secret.pypi_token";

    /// <summary>Every pattern, in a fixed order.</summary>
    public static IReadOnlyList<CredentialPattern> All { get; } =
    [
        Fixed(AwsAccessKey, "AWS access key id", "AKIA", 16, 16, UpperAlnum),
        Fixed(AwsAccessKey, "AWS temporary access key id", "ASIA", 16, 16, UpperAlnum),
        new(AwsSecretKey, "AWS secret access key", "ecret"u8.ToArray(), AwsSecret),
        new(AwsSecretKey, "AWS secret access key", "ECRET"u8.ToArray(), AwsSecret),
        Fixed(GitHubToken, "GitHub personal access token", "ghp_", 36, 251, Alnum),
        Fixed(GitHubToken, "GitHub OAuth token", "gho_", 36, 251, Alnum),
        Fixed(GitHubToken, "GitHub user-to-server token", "ghu_", 36, 251, Alnum),
        Fixed(GitHubToken, "GitHub server-to-server token", "ghs_", 36, 251, Alnum),
        Fixed(GitHubToken, "GitHub refresh token", "ghr_", 36, 251, Alnum),
        Fixed(GitHubToken, "GitHub fine-grained personal access token", "github_pat_", 60, 251, AlnumUnderscore),
        Fixed(GitLabToken, "GitLab personal access token", "glpat-", 20, 251, AlnumDashUnderscore),
        new(SlackToken, "Slack token", "xox"u8.ToArray(), Slack),
        Fixed(GoogleApiKey, "Google API key", "AIza", 35, 35, AlnumDashUnderscore),
        Fixed(StripeKey, "Stripe live secret key", "sk_live_", 20, 251, Alnum),
        Fixed(StripeKey, "Stripe live restricted key", "rk_live_", 20, 251, Alnum),
        Fixed(NpmToken, "npm access token", "npm_", 36, 36, Alnum),
        Fixed(PyPiToken, "PyPI API token", "pypi-AgEIcHlwaS5vcmc", 50, 4096, AlnumDashUnderscore),
    ];

    /// <summary>The names an AWS secret key is assigned to, lower-cased with separators removed, must contain "secret" and "key" and one of these.</summary>
    private static readonly string[] AwsSecretNameHints = ["aws", "access"];

    private static CredentialPattern Fixed(string ruleId, string label, string prefix, int min, int max, Func<byte, bool> body)
    {
        byte[] anchor = Encoding.ASCII.GetBytes(prefix);
        return new CredentialPattern(ruleId, label, anchor, (ReadOnlySpan<byte> data, int at, out int start, out int length) =>
        {
            start = at;
            length = 0;
            if (at > 0 && IsWordByte(data[at - 1]))
            {
                return false;
            }

            int i = at + anchor.Length;
            int end = Math.Min(data.Length, i + max + 1);
            while (i < end && body(data[i]))
            {
                i++;
            }

            int n = i - at - anchor.Length;
            if (n < min || n > max || (i < data.Length && IsWordByte(data[i])) || Placeholder(data.Slice(at + anchor.Length, n)))
            {
                return false;
            }

            length = i - at;
            return true;
        });
    }

    // xox[baprs]-<digits>-...: Slack tokens start with the numeric team or user id.
    private static bool Slack(ReadOnlySpan<byte> data, int at, out int start, out int length)
    {
        start = at;
        length = 0;
        if ((at > 0 && IsWordByte(data[at - 1])) || at + 5 >= data.Length || "baprs"u8.IndexOf(data[at + 3]) < 0 || data[at + 4] != '-')
        {
            return false;
        }

        int i = at + 5;
        int digits = 0;
        while (i < data.Length && IsDigit(data[i]) && digits < 20)
        {
            i++;
            digits++;
        }

        if (digits < 6 || i >= data.Length || data[i] != '-')
        {
            return false;
        }

        int limit = Math.Min(data.Length, at + 255);
        while (i < limit && (Alnum(data[i]) || data[i] == '-'))
        {
            i++;
        }

        length = i - at;
        return length >= 20;
    }

    // A 40-character base64 value after a name such as aws_secret_access_key, SecretAccessKey or AWS_SECRET_KEY.
    private static bool AwsSecret(ReadOnlySpan<byte> data, int at, out int start, out int length)
    {
        start = at;
        length = 0;
        int nameStart = at - 1;
        while (nameStart >= 0 && at - nameStart < 64 && IsNameByte(data[nameStart]))
        {
            nameStart--;
        }

        nameStart++;
        int nameEnd = at;
        while (nameEnd < data.Length && nameEnd - nameStart < 64 && IsNameByte(data[nameEnd]))
        {
            nameEnd++;
        }

        var name = new StringBuilder(nameEnd - nameStart);
        foreach (byte b in data[nameStart..nameEnd])
        {
            if (Alnum(b))
            {
                name.Append(char.ToLowerInvariant((char)b));
            }
        }

        string n = name.ToString();
        if (!n.Contains("secret", StringComparison.Ordinal) || !n.Contains("key", StringComparison.Ordinal)
            || !AwsSecretNameHints.Any(h => n.Contains(h, StringComparison.Ordinal)))
        {
            return false;
        }

        // Separators between name and value: quotes, blanks, '=', ':', '>' (XML), at most a few.
        int i = nameEnd;
        int limit = Math.Min(data.Length, nameEnd + 8);
        bool assigned = false;
        while (i < limit && data[i] is (byte)'"' or (byte)'\'' or (byte)' ' or (byte)'\t' or (byte)'=' or (byte)':' or (byte)'>')
        {
            assigned |= data[i] is (byte)'=' or (byte)':' or (byte)'>';
            i++;
        }

        int valueStart = i;
        while (i < data.Length && i - valueStart <= 40 && IsBase64(data[i]))
        {
            i++;
        }

        if (!assigned || i - valueStart != 40 || (i < data.Length && (IsBase64(data[i]) || data[i] == '=')))
        {
            return false;
        }

        var value = data.Slice(valueStart, 40);
        bool upper = false, lower = false, other = false;
        foreach (byte b in value)
        {
            upper |= b is >= (byte)'A' and <= (byte)'Z';
            lower |= b is >= (byte)'a' and <= (byte)'z';
            other |= IsDigit(b) || b is (byte)'/' or (byte)'+';
        }

        if (!(upper && lower && other))
        {
            return false;
        }

        start = valueStart;
        length = 40;
        return true;
    }

    /// <summary>True for a documented example value (AWS's "AKIAIOSFODNN7EXAMPLE" and its secret key end in EXAMPLE / EXAMPLEKEY).</summary>
    public static bool IsDocumentedExample(ReadOnlySpan<byte> value) => value.IndexOf("EXAMPLE"u8) >= 0;

    // "XXXXXXXX", "0000...": three or fewer distinct characters is a template, not a credential.
    private static bool Placeholder(ReadOnlySpan<byte> body)
    {
        Span<byte> seen = stackalloc byte[4];
        int distinct = 0;
        foreach (byte b in body)
        {
            if (seen[..distinct].IndexOf(b) < 0)
            {
                if (distinct == 3)
                {
                    return false;
                }

                seen[distinct++] = b;
            }
        }

        return true;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool UpperAlnum(byte b) => b is >= (byte)'A' and <= (byte)'Z' || IsDigit(b);

    private static bool Alnum(byte b) => UpperAlnum(b) || b is >= (byte)'a' and <= (byte)'z';

    private static bool AlnumUnderscore(byte b) => Alnum(b) || b == '_';

    private static bool AlnumDashUnderscore(byte b) => Alnum(b) || b is (byte)'_' or (byte)'-';

    private static bool IsWordByte(byte b) => Alnum(b) || b == '_';

    private static bool IsNameByte(byte b) => Alnum(b) || b is (byte)'_' or (byte)'-' or (byte)'.';

    private static bool IsBase64(byte b) => Alnum(b) || b is (byte)'/' or (byte)'+';
}
