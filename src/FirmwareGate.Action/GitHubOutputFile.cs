using System.Security.Cryptography;
using System.Text;

namespace FirmwareGate.Action;

/// <summary>
/// Appends step outputs to <c>GITHUB_OUTPUT</c> in the multi-line form (<c>name&lt;&lt;DELIMITER</c>, the value,
/// the delimiter), which is safe for any value. The delimiter is derived from the value's hash, so it cannot
/// occur in it and the file's bytes are the same on every run.
/// </summary>
internal static class GitHubOutputFile
{
    public static void Append(string path, IEnumerable<(string Name, string Value)> outputs)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in outputs)
        {
            string delimiter = Delimiter(value);
            text.Append(name).Append("<<").Append(delimiter).Append('\n')
                .Append(value.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n')
                .Append(delimiter).Append('\n');
        }

        File.AppendAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    private static string Delimiter(string value)
    {
        string delimiter = "ghadelimiter_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
        return value.Contains(delimiter, StringComparison.Ordinal) ? throw new InvalidOperationException("output value contains its own delimiter") : delimiter;
    }
}
