using System.Globalization;
using FirmwareGate.Core.Formats.Iso9660;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// ISO 9660 (ECMA-119): the volume descriptor set from sector 16, then the primary directory tree with
/// Rock Ridge (SUSP/RRIP 1.12) when present, else the Joliet tree, else plain ECMA-119 names. The layer
/// is the volume space (blocks times logical block size), capped at the bytes available.
/// </summary>
public sealed class Iso9660Reader : IFormatReader
{
    // A set longer than this is not a real descriptor set (a CD has a handful).
    private const int MaxDescriptors = 64;

    /// <inheritdoc/>
    public string Format => "iso9660";

    // "CD001" (43 44 30 30 31) at byte 1 of the first volume descriptor, sector 16 (ECMA-119 8.1.2):
    // the image starts 0x8001 bytes before it, so an ISO after a vendor header is found too.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("CD001"u8.ToArray(), IsoVolumeDescriptor.SetOffset + IsoVolumeDescriptor.IdentifierAt)];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        var set = ReadDescriptors(source);
        if (set.Primary is not { } pvd)
        {
            return false;
        }

        length = VolumeLength(pvd, source);
        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var set = ReadDescriptors(source);
        var pvd = set.Primary ?? throw new CorruptDataException(Format, IsoVolumeDescriptor.SetOffset, "no primary volume descriptor in the descriptor set");
        var warnings = new List<string>();
        long claimed = (long)pvd.VolumeBlocks * pvd.BlockSize;
        long length = VolumeLength(pvd, source);
        if (claimed > source.Length)
        {
            warnings.Add($"iso9660: the volume is {claimed} bytes, only {source.Length} are available (truncated); reading what is there");
        }

        if (pvd.EndianMismatch)
        {
            warnings.Add("iso9660: the primary descriptor's both-endian fields disagree; the little-endian half is used");
        }

        // Extents may lie anywhere in the blob (a truncated volume size must not hide files).
        var device = source;
        var root = IsoDirectoryRecord.TryParse(pvd.RootRecord)
            ?? throw new CorruptDataException(Format, IsoVolumeDescriptor.SetOffset, "the root directory record is malformed");
        int skip = 0;
        var kind = IsoFilesystem.DetectSusp(device, pvd.BlockSize, root, out skip) ? IsoTreeKind.RockRidge : IsoTreeKind.Plain;
        var descriptor = pvd;
        if (kind == IsoTreeKind.Plain && set.Joliet is { } joliet && IsoDirectoryRecord.TryParse(joliet.RootRecord) is { } jroot)
        {
            (kind, descriptor, root) = (IsoTreeKind.Joliet, joliet, jroot);
        }

        var fs = new IsoFilesystem(device, descriptor.BlockSize, kind, skip, context);
        var tree = fs.ReadTree(root);
        warnings.AddRange(fs.Warnings);
        var result = new ReadResult { Length = length, FileSystem = tree };
        result.Details["tree"] = kind switch { IsoTreeKind.RockRidge => "rock-ridge", IsoTreeKind.Joliet => "joliet", _ => "iso9660" };
        result.Details["blockSize"] = pvd.BlockSize.ToString(CultureInfo.InvariantCulture);
        result.Details["blocks"] = pvd.VolumeBlocks.ToString(CultureInfo.InvariantCulture);
        result.Details["joliet"] = set.Joliet is null ? "no" : "yes";
        if (pvd.VolumeId.Length > 0)
        {
            result.Details["label"] = pvd.VolumeId;
        }

        if (set.ElTorito)
        {
            result.Details["boot"] = "El Torito";
        }

        if (fs.Relocations > 0)
        {
            result.Details["relocatedDirectories"] = fs.Relocations.ToString(CultureInfo.InvariantCulture);
        }

        result.Warnings.AddRange(warnings);
        return result;
    }

    private static long VolumeLength(IsoVolumeDescriptor pvd, IByteSource source)
    {
        long claimed = (long)pvd.VolumeBlocks * pvd.BlockSize;

        // The descriptor set itself is always part of the volume, even when the size field is too small.
        long minimum = Math.Min(source.Length, IsoVolumeDescriptor.SetOffset + IsoVolumeDescriptor.SectorSize);
        return Math.Clamp(claimed, minimum, source.Length);
    }

    private readonly record struct DescriptorSet(IsoVolumeDescriptor? Primary, IsoVolumeDescriptor? Joliet, bool ElTorito);

    /// <summary>Walks the descriptors from sector 16 to the terminator (ECMA-119 6.7.1); the first primary and Joliet ones win.</summary>
    private static DescriptorSet ReadDescriptors(IByteSource source)
    {
        IsoVolumeDescriptor? primary = null;
        IsoVolumeDescriptor? joliet = null;
        bool elTorito = false;
        Span<byte> sector = stackalloc byte[IsoVolumeDescriptor.SectorSize];
        for (int i = 0; i < MaxDescriptors; i++)
        {
            long at = IsoVolumeDescriptor.SetOffset + ((long)i * IsoVolumeDescriptor.SectorSize);
            if (source.ReadFully(at, sector) < sector.Length || !IsoVolumeDescriptor.IsDescriptor(sector) || sector[0] == IsoVolumeDescriptor.TypeTerminator)
            {
                break;
            }

            if (sector[0] == IsoVolumeDescriptor.TypeBoot)
            {
                // 8.2: boot system identifier; El Torito's is "EL TORITO SPECIFICATION".
                elTorito |= sector.Slice(7, 23).SequenceEqual("EL TORITO SPECIFICATION"u8);
                continue;
            }

            var vd = IsoVolumeDescriptor.TryParse(sector);
            if (vd is null)
            {
                continue;
            }

            if (vd.Type == IsoVolumeDescriptor.TypePrimary)
            {
                primary ??= vd;
            }
            else if (vd.Joliet)
            {
                joliet ??= vd;
            }
        }

        return new DescriptorSet(primary, primary is null ? null : joliet, elTorito);
    }
}
