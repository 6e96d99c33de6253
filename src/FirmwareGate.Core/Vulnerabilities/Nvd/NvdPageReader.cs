using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>Reads one API page into a sink (<see cref="NvdJsonReader.ReadPage"/>); throws <see cref="VulnerabilitySourceException"/> when it is not a page.</summary>
internal delegate NvdPageInfo NvdPageReader(ReadOnlySpan<byte> json, string name, IRecordSink sink, ImportCounts counts);
