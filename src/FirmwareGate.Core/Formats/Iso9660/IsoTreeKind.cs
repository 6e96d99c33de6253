namespace FirmwareGate.Core.Formats.Iso9660;

/// <summary>Which directory hierarchy names the files.</summary>
internal enum IsoTreeKind
{
    /// <summary>The primary tree with ECMA-119 names.</summary>
    Plain,

    /// <summary>The primary tree with Rock Ridge names and attributes.</summary>
    RockRidge,

    /// <summary>The Joliet supplementary tree (UCS-2 big-endian names).</summary>
    Joliet,
}
