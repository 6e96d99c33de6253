using System.Text.Json;
using FirmwareGate.Core.Checks.Hardening;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Writes <c>binaries[]</c> of the JSON report: per ELF executable or shared object its place, machine, and each
/// hardening property as <c>{ "value": ..., "evidence": "..." }</c> (null value = unknown), then the flagged functions.
/// </summary>
internal static class BinaryJsonWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<BinaryHardening> binaries)
    {
        w.WriteStartArray("binaries");
        foreach (var b in binaries)
        {
            w.WriteStartObject();
            w.WriteString("path", b.Path);
            w.WriteString("location", b.Location);
            w.WriteString("arch", b.Arch);
            w.WriteNumber("bits", b.Bits);
            w.WriteString("endian", b.Endian);
            w.WriteString("type", b.Type);
            Bool(w, "nx", b.Nx);
            Text(w, "pie", b.Pie.Value, b.Pie.Evidence);
            Text(w, "relro", b.Relro.Value, b.Relro.Evidence);
            Bool(w, "canary", b.Canary);
            WriteFortify(w, b.Fortify);
            w.WriteStartObject("stripped");
            w.WriteBoolean("value", b.Stripped.Value);
            w.WriteString("evidence", b.Stripped.Evidence);
            w.WriteEndObject();
            Text(w, "rpath", b.RPath.Value, b.RPath.Evidence);
            Text(w, "runpath", b.RunPath.Value, b.RunPath.Evidence);
            if (b.Cet is { } cet)
            {
                w.WriteStartObject("cet");
                w.WriteBoolean("ibt", cet.Ibt);
                w.WriteBoolean("shstk", cet.Shstk);
                w.WriteString("evidence", cet.Evidence);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("cet");
            }

            w.WriteStartArray("imports");
            foreach (var name in b.Imports)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteStartObject("importCounts");
            foreach (var (category, count) in b.ImportCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(category, count);
            }

            w.WriteEndObject();
            w.WriteBoolean("listensOnNetwork", b.ListensOnNetwork);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Bool(Utf8JsonWriter w, string name, Decided<bool?> d)
    {
        w.WriteStartObject(name);
        w.WriteBooleanOrNull("value", d.Value);

        w.WriteString("evidence", d.Evidence);
        w.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter w, string name, string? value, string evidence)
    {
        w.WriteStartObject(name);
        w.WriteString("value", value);
        w.WriteString("evidence", evidence);
        w.WriteEndObject();
    }

    private static void WriteFortify(Utf8JsonWriter w, FortifyInfo f)
    {
        w.WriteStartObject("fortify");
        w.WriteBoolean("value", f.Value);
        w.WriteNumber("fortified", f.FortifiedCount);
        w.WriteNumber("fortifiable", f.FortifiableCount);
        w.WriteStartArray("fortifiedFunctions");
        foreach (var name in f.Fortified)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
        w.WriteStartArray("unfortifiedFunctions");
        foreach (var name in f.Unfortified)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
        w.WriteString("evidence", f.Evidence);
        w.WriteEndObject();
    }
}
