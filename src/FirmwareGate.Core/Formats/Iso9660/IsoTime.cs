namespace FirmwareGate.Core.Formats.Iso9660;

/// <summary>ISO 9660 dates: the 7-byte directory record date (ECMA-119 9.1.5) and the 17-byte digit form (8.4.26.1).</summary>
internal static class IsoTime
{
    /// <summary>Seconds since the epoch from a 7-byte date (years since 1900, month, day, h, m, s, GMT offset in 15 minutes); 0 when unset or invalid.</summary>
    public static long FromRecordDate(ReadOnlySpan<byte> d) =>
        d.Length < 7 ? 0 : ToEpoch(1900 + d[0], d[1], d[2], d[3], d[4], d[5], (sbyte)d[6]);

    /// <summary>Seconds since the epoch from "YYYYMMDDHHMMSScc" plus a GMT offset byte; 0 when unset or invalid.</summary>
    public static long FromDigits(ReadOnlySpan<byte> d)
    {
        if (d.Length < 17)
        {
            return 0;
        }

        return ToEpoch(Num(d, 0, 4), Num(d, 4, 2), Num(d, 6, 2), Num(d, 8, 2), Num(d, 10, 2), Num(d, 12, 2), (sbyte)d[16]);
    }

    private static int Num(ReadOnlySpan<byte> d, int at, int count)
    {
        int v = 0;
        for (int i = at; i < at + count; i++)
        {
            if (d[i] is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }

            v = (v * 10) + (d[i] - '0');
        }

        return v;
    }

    private static long ToEpoch(int year, int month, int day, int hour, int minute, int second, sbyte offsetQuarters)
    {
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59 || offsetQuarters is < -48 or > 52)
        {
            return 0;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        long seconds = (long)(local - DateTime.UnixEpoch).TotalSeconds;
        return seconds - (offsetQuarters * 15L * 60);
    }
}
