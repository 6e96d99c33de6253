using System.Text.Json;
using FirmwareGate.Core.Checks.Accounts;

namespace FirmwareGate.Core.Reports;

/// <summary>Writes <c>accounts[]</c> of the JSON report: flags and algorithms, never a hash or a password.</summary>
internal static class AccountJsonWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<AccountInfo> accounts)
    {
        w.WriteStartArray("accounts");
        foreach (var a in accounts)
        {
            w.WriteStartObject();
            w.WriteString("path", a.Path);
            w.WriteString("location", a.Location);
            w.WriteNumber("line", a.Line);
            w.WriteString("source", a.Source);
            w.WriteString("user", a.User);
            w.WriteNumberOrNull("uid", a.Uid);
            w.WriteNumberOrNull("gid", a.Gid);
            w.WriteString("shell", a.Shell);
            w.WriteBooleanOrNull("loginShell", a.LoginShell);

            w.WriteString("algorithm", a.Algorithm);
            w.WriteBoolean("empty", a.Empty);
            w.WriteBoolean("locked", a.Locked);
            w.WriteBoolean("checked", a.Checked);
            w.WriteNumber("candidatesTried", a.CandidatesTried);
            w.WriteBooleanOrNull("matchesDefaultPassword", a.MatchesDefaultPassword);

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
