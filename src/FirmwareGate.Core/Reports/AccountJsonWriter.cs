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
            w.WriteString("user", a.User);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
