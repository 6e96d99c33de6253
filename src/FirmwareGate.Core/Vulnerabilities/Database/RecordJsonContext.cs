using System.Text.Json.Serialization;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>The stored form of a record: compact JSON (short of nulls and defaults), source-generated so it is AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    WriteIndented = false)]
[JsonSerializable(typeof(VulnerabilityRecord))]
internal sealed partial class RecordJsonContext : JsonSerializerContext;
