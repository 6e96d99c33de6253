using System.Text.Json;
using System.Text.Json.Serialization;
using CycloneDX.Models;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Serialises a CycloneDX model to JSON with CycloneDX.Core's serializer settings (its
/// <c>JsonSerializerOptions</c> and converters), resolving the model's metadata from a source-generated
/// context instead of reflection, so the native (AOT) build writes the same bytes as the JIT build.
/// </summary>
/// <remarks>
/// <c>CycloneDX.Json.Serializer.Serialize</c> itself cannot be used in the native build: for any
/// specification version below the library's newest it first deep-copies the BOM through protobuf-net
/// (which needs runtime code generation), and it relies on reflection-based System.Text.Json. Its options
/// and converters are the library's own (<c>CycloneDX.Json.Utils.GetJsonSerializerOptions</c>), so the
/// output is the library's; a test compares the two. One deliberate difference: <c>evidence.identity</c> is
/// always an array (the 1.6 form), where the library writes a single identity as a bare object (the 1.5 form,
/// deprecated in 1.6).
/// </remarks>
internal static class CycloneDxJson
{
    private static readonly CycloneDxJsonContext Context = new(Options());

    /// <summary>Indented JSON, characters outside ASCII and '+' kept as they are, LF line endings and a final newline.</summary>
    public static string Serialize(Bom bom) =>
        JsonSerializer.Serialize(bom, Context.Bom).ReplaceLineEndings("\n") + "\n";

    private static JsonSerializerOptions Options()
    {
        var options = CycloneDX.Json.Utils.GetJsonSerializerOptions(useUnsafeRelaxedJsonEscaping: true);
        options.Converters.Insert(0, new IdentityArrayConverter());
        options.Converters.Insert(0, new RelatedCryptoMaterialConverter());
        options.Converters.Insert(0, new VulnerabilityAnalysisConverter());
        return options;
    }

    /// <summary>The same document through CycloneDX.Core's own <c>Serializer.Serialize</c> (reflection; not for the native build).</summary>
    public static string SerializeWithLibrarySerializer(Bom bom) =>
        CycloneDX.Json.Serializer.Serialize(bom, unsafeRelaxedJsonEscaping: true).ReplaceLineEndings("\n") + "\n";
}

/// <summary>Writes <c>evidence.identity</c> as an array whatever its length (CycloneDX 1.6).</summary>
internal sealed class IdentityArrayConverter : JsonConverter<EvidenceIdentityList>
{
    /// <inheritdoc/>
    public override EvidenceIdentityList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("FirmwareGate only writes CycloneDX documents");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, EvidenceIdentityList value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var identity in value.Identities ?? [])
        {
            JsonSerializer.Serialize(writer, identity, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<EvidenceIdentity>)options.GetTypeInfo(typeof(EvidenceIdentity)));
        }

        writer.WriteEndArray();
    }
}

/// <summary>
/// Writes <c>relatedCryptoMaterialProperties</c> with the CycloneDX 1.6 fields FirmwareGate fills: <c>type</c>, <c>id</c>,
/// <c>state</c> and <c>size</c> only when known (the library writes an unset state as the invalid value "null" and an
/// unknown size as 0), <c>algorithmRef</c>, <c>format</c>, <c>securedBy</c>. <c>value</c> is never written: the
/// SBOM describes keys, it does not carry them.
/// </summary>
internal sealed class RelatedCryptoMaterialConverter : JsonConverter<CycloneDX.Core.Models.RelatedCryptoMaterialProperties>
{
    /// <inheritdoc/>
    public override CycloneDX.Core.Models.RelatedCryptoMaterialProperties Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("FirmwareGate only writes CycloneDX documents");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, CycloneDX.Core.Models.RelatedCryptoMaterialProperties value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.Type != CycloneDX.Core.Models.RelatedCryptoMaterialType.Null)
        {
            writer.WriteString("type", value.Type.ToString().ToLowerInvariant().Replace('_', '-'));
        }

        if (value.Id is { } id)
        {
            writer.WriteString("id", id);
        }

        if (value.State != CycloneDX.Core.Models.KeyState.Null)
        {
            writer.WriteString("state", value.State.ToString().ToLowerInvariant().Replace('_', '-'));
        }

        if (value.AlgorithmRef is { } algorithmRef)
        {
            writer.WriteString("algorithmRef", algorithmRef);
        }

        if (value.Size > 0)
        {
            writer.WriteNumber("size", value.Size);
        }

        if (value.Format is { } format)
        {
            writer.WriteString("format", format);
        }

        if (value.SecuredBy is { } securedBy)
        {
            writer.WriteStartObject("securedBy");
            if (securedBy.Mechanism is { } mechanism)
            {
                writer.WriteString("mechanism", mechanism);
            }

            if (securedBy.AlgorithmRef is { } securedRef)
            {
                writer.WriteString("algorithmRef", securedRef);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}

/// <summary>
/// Writes a vulnerability's <c>analysis</c> (VEX) with only the fields that are set: the library writes an unset
/// justification as the invalid value "null". Enum values are written as CycloneDX spells them (<c>in_triage</c>,
/// <c>code_not_reachable</c>, <c>will_not_fix</c>).
/// </summary>
internal sealed class VulnerabilityAnalysisConverter : JsonConverter<CycloneDX.Models.Vulnerabilities.Analysis>
{
    /// <inheritdoc/>
    public override CycloneDX.Models.Vulnerabilities.Analysis Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("FirmwareGate only writes CycloneDX documents");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, CycloneDX.Models.Vulnerabilities.Analysis value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.State != CycloneDX.Models.Vulnerabilities.ImpactAnalysisState.Null)
        {
            writer.WriteString("state", value.State.ToString().ToLowerInvariant());
        }

        if (value.Justification != CycloneDX.Models.Vulnerabilities.ImpactAnalysisJustification.Null)
        {
            writer.WriteString("justification", value.Justification.ToString().ToLowerInvariant());
        }

        if (value.Response is { Count: > 0 } responses)
        {
            writer.WriteStartArray("response");
            foreach (var response in responses)
            {
                writer.WriteStringValue(response.ToString().ToLowerInvariant());
            }

            writer.WriteEndArray();
        }

        if (value.Detail is { } detail)
        {
            writer.WriteString("detail", detail);
        }

        if (value.FirstIssued is { } firstIssued)
        {
            writer.WriteString("firstIssued", firstIssued.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (value.LastUpdated is { } lastUpdated)
        {
            writer.WriteString("lastUpdated", lastUpdated.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }

        writer.WriteEndObject();
    }
}

/// <summary>Source-generated System.Text.Json metadata of the CycloneDX model.</summary>
[JsonSerializable(typeof(Bom))]
[JsonSerializable(typeof(EvidenceIdentity))]
internal sealed partial class CycloneDxJsonContext : JsonSerializerContext;
