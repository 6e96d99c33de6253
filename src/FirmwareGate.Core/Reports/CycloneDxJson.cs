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
/// output is the library's; a test compares the two byte for byte.
/// </remarks>
internal static class CycloneDxJson
{
    private static readonly CycloneDxJsonContext Context = new(CycloneDX.Json.Utils.GetJsonSerializerOptions(useUnsafeRelaxedJsonEscaping: true));

    /// <summary>Indented JSON, characters outside ASCII and '+' kept as they are, LF line endings and a final newline.</summary>
    public static string Serialize(Bom bom) =>
        JsonSerializer.Serialize(bom, Context.Bom).ReplaceLineEndings("\n") + "\n";

    /// <summary>The same document through CycloneDX.Core's own <c>Serializer.Serialize</c> (reflection; not for the native build).</summary>
    public static string SerializeWithLibrarySerializer(Bom bom) =>
        CycloneDX.Json.Serializer.Serialize(bom, unsafeRelaxedJsonEscaping: true).ReplaceLineEndings("\n") + "\n";
}

/// <summary>Source-generated System.Text.Json metadata of the CycloneDX model.</summary>
[JsonSerializable(typeof(Bom))]
internal sealed partial class CycloneDxJsonContext : JsonSerializerContext;
