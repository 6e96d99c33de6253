namespace FirmwareGate.Core.Formats.Ext4;

/// <summary>Contiguous blocks of a file: <paramref name="Count"/> blocks from logical block <paramref name="Logical"/> stored at <paramref name="Physical"/>.</summary>
internal readonly record struct Ext4Run(long Logical, long Physical, long Count);
