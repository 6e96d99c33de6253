using System.Text;

namespace FirmwareGate.Core.Formats.Iso9660;

/// <summary>What the SUSP entries of one directory record say (RRIP 1.12, IEEE P1282).</summary>
internal sealed class RockRidgeEntry
{
    /// <summary>PX seen.</summary>
    public bool HasPosix { get; set; }

    /// <summary>PX st_mode, with the file type bits.</summary>
    public uint Mode { get; set; }

    /// <summary>PX st_nlink.</summary>
    public uint Links { get; set; }

    /// <summary>PX st_uid.</summary>
    public uint Uid { get; set; }

    /// <summary>PX st_gid.</summary>
    public uint Gid { get; set; }

    /// <summary>PX file serial number (RRIP 1.12 only; 0 when absent).</summary>
    public uint Serial { get; set; }

    /// <summary>NM name bytes, when NM was present.</summary>
    public List<byte>? Name { get; set; }

    /// <summary>SL target being assembled, when SL was present.</summary>
    public StringBuilder? Link { get; set; }

    /// <summary>Whether the next SL component starts a new path element.</summary>
    public bool LinkNeedsSeparator { get; set; }

    /// <summary>PN seen.</summary>
    public bool HasDevice { get; set; }

    /// <summary>PN high 32 bits.</summary>
    public uint DeviceHigh { get; set; }

    /// <summary>PN low 32 bits.</summary>
    public uint DeviceLow { get; set; }

    /// <summary>TF modification time, seconds since the epoch.</summary>
    public long? MTime { get; set; }

    /// <summary>CL: the relocated directory's extent.</summary>
    public uint? ChildLink { get; set; }

    /// <summary>RE: this record is a relocated directory, listed where its CL points from.</summary>
    public bool Relocated { get; set; }

    /// <summary>ZF: zisofs-compressed content.</summary>
    public bool Zisofs { get; set; }

    /// <summary>Any Rock Ridge entry was seen.</summary>
    public bool Any { get; set; }

    /// <summary>Linux's reading of PN (fs/isofs/rock.c): an old 16-bit dev_t in the low word when high is 0.</summary>
    public (int Major, int Minor) Device =>
        DeviceHigh == 0 && (DeviceLow & ~0xFFu) != 0 && DeviceLow <= 0xFFFF
            ? ((int)(DeviceLow >> 8), (int)(DeviceLow & 0xFF))
            : ((int)Math.Min(DeviceHigh, int.MaxValue), (int)Math.Min(DeviceLow, int.MaxValue));
}
