using System.Text;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>
/// The stored form of a record: a compact binary encoding (length-prefixed UTF-8 strings, counts, flags) that
/// decodes about ten times faster than JSON, which matters when one component (a kernel) has thousands of
/// candidate records. Bodies that do not decode raise <see cref="InvalidDataException"/>.
/// </summary>
internal static class RecordCodec
{
    private const byte Format = 1;

    // Bounds for decoding: a corrupt count must not allocate without limit.
    private const int MaxCount = 1 << 20;

    public static byte[] Encode(VulnerabilityRecord record)
    {
        using var buffer = new MemoryStream(1024);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write(record.Id);
            w.Write(record.Source);
            WriteNullable(w, record.Status);
            WriteNullable(w, record.Description);
            WriteTime(w, record.Published);
            WriteTime(w, record.LastModified);
            WriteList(w, record.Ratings, static (w, r) =>
            {
                w.Write(r.Version);
                w.Write(r.Score);
                w.Write(r.Vector);
                w.Write(r.Severity);
                WriteNullable(w, r.Source);
                w.Write(r.Primary);
            });
            WriteStrings(w, record.Cwes);
            WriteStrings(w, record.References);
            WriteStrings(w, record.Aliases);
            WriteList(w, record.Configurations, static (w, c) =>
            {
                w.Write(c.Operator == CpeOperator.And);
                w.Write(c.Negate);
                WriteList(w, c.Nodes, static (w, n) =>
                {
                    w.Write(n.Operator == CpeOperator.And);
                    w.Write(n.Negate);
                    WriteList(w, n.Matches, static (w, m) =>
                    {
                        w.Write(m.Vulnerable);
                        w.Write(m.Criteria);
                        WriteNullable(w, m.VersionStartIncluding);
                        WriteNullable(w, m.VersionStartExcluding);
                        WriteNullable(w, m.VersionEndIncluding);
                        WriteNullable(w, m.VersionEndExcluding);
                        WriteNullable(w, m.MatchCriteriaId);
                    });
                });
            });
            WriteList(w, record.Packages, static (w, p) =>
            {
                WriteNullable(w, p.Ecosystem);
                w.Write(p.Name);
                WriteNullable(w, p.Vendor);
                WriteNullable(w, p.Purl);
                WriteList(w, p.Ranges, static (w, r) =>
                {
                    w.Write(r.Type);
                    WriteList(w, r.Events, static (w, e) =>
                    {
                        w.Write(e.Kind);
                        w.Write(e.Version);
                    });
                });
                WriteStrings(w, p.Versions);
                WriteNullable(w, p.DefaultStatus);
            });
            w.Write(record.Kev is not null);
            if (record.Kev is { } kev)
            {
                w.Write(kev.CveId);
                WriteNullable(w, kev.Name);
                WriteNullable(w, kev.VendorProject);
                WriteNullable(w, kev.Product);
                WriteNullable(w, kev.DateAdded);
                WriteNullable(w, kev.DueDate);
                WriteNullable(w, kev.RequiredAction);
                WriteNullable(w, kev.KnownRansomwareCampaignUse);
            }
        }

        return buffer.ToArray();
    }

    public static VulnerabilityRecord Decode(byte[] body)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(body, writable: false), Encoding.UTF8);
            if (r.ReadByte() != Format)
            {
                throw new InvalidDataException("unknown record encoding");
            }

            var record = new VulnerabilityRecord
            {
                Id = r.ReadString(),
                Source = r.ReadString(),
                Status = ReadNullable(r),
                Description = ReadNullable(r),
                Published = ReadTime(r),
                LastModified = ReadTime(r),
                Ratings = ReadList(r, static r => new CvssRating(r.ReadString(), r.ReadDouble(), r.ReadString(), r.ReadString(), ReadNullable(r), r.ReadBoolean())),
                Cwes = ReadStrings(r),
                References = ReadStrings(r),
                Aliases = ReadStrings(r),
                Configurations = ReadList(r, static r => new CpeConfiguration(
                    r.ReadBoolean() ? CpeOperator.And : CpeOperator.Or,
                    r.ReadBoolean(),
                    ReadList(r, static r => new CpeNode(
                        r.ReadBoolean() ? CpeOperator.And : CpeOperator.Or,
                        r.ReadBoolean(),
                        ReadList(r, static r => new CpeMatch
                        {
                            Vulnerable = r.ReadBoolean(),
                            Criteria = r.ReadString(),
                            VersionStartIncluding = ReadNullable(r),
                            VersionStartExcluding = ReadNullable(r),
                            VersionEndIncluding = ReadNullable(r),
                            VersionEndExcluding = ReadNullable(r),
                            MatchCriteriaId = ReadNullable(r),
                        }))))),
                Packages = ReadList(r, static r => new PackageAffected
                {
                    Ecosystem = ReadNullable(r),
                    Name = r.ReadString(),
                    Vendor = ReadNullable(r),
                    Purl = ReadNullable(r),
                    Ranges = ReadList(r, static r => new PackageRange(r.ReadString(), ReadList(r, static r => new RangeEvent(r.ReadString(), r.ReadString())))),
                    Versions = ReadStrings(r),
                    DefaultStatus = ReadNullable(r),
                }),
                Kev = r.ReadBoolean() ? new KevEntry
                {
                    CveId = r.ReadString(),
                    Name = ReadNullable(r),
                    VendorProject = ReadNullable(r),
                    Product = ReadNullable(r),
                    DateAdded = ReadNullable(r),
                    DueDate = ReadNullable(r),
                    RequiredAction = ReadNullable(r),
                    KnownRansomwareCampaignUse = ReadNullable(r),
                }
                : null,
            };
            return record;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("truncated record", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("malformed record", e);
        }
    }

    private static void WriteNullable(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteTime(BinaryWriter w, DateTimeOffset? time)
    {
        w.Write(time is not null);
        if (time is { } t)
        {
            w.Write(t.UtcTicks);
        }
    }

    private static DateTimeOffset? ReadTime(BinaryReader r)
    {
        if (!r.ReadBoolean())
        {
            return null;
        }

        long ticks = r.ReadInt64();
        return ticks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(ticks, TimeSpan.Zero) : throw new InvalidDataException("time out of range");
    }

    private static void WriteStrings(BinaryWriter w, IReadOnlyList<string> values) => WriteList(w, values, static (w, s) => w.Write(s));

    private static string[] ReadStrings(BinaryReader r) => ReadList(r, static r => r.ReadString());

    private static void WriteList<T>(BinaryWriter w, IReadOnlyList<T> items, Action<BinaryWriter, T> write)
    {
        w.Write7BitEncodedInt(items.Count);
        foreach (var item in items)
        {
            write(w, item);
        }
    }

    private static T[] ReadList<T>(BinaryReader r, Func<BinaryReader, T> read)
    {
        int count = r.Read7BitEncodedInt();
        if (count is < 0 or > MaxCount || count > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new InvalidDataException("list count out of range");
        }

        var items = new T[count];
        for (int i = 0; i < count; i++)
        {
            items[i] = read(r);
        }

        return items;
    }
}
