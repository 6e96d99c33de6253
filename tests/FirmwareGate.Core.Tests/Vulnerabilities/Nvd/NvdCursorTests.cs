using FirmwareGate.Core.Vulnerabilities.Nvd;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Nvd;

public sealed class NvdCursorTests
{
    private static readonly DateTimeOffset RunStart = new(2026, 11, 20, 8, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public void ACursorReadsBackAsWritten()
    {
        var cursor = new NvdCursor(RunStart, RunStart.AddDays(-130), RunStart.AddDays(-10), 4000, 5123);

        var text = cursor.Serialize();

        Assert.Equal("""{"runStart":"2026-11-20T08:30:15.123Z","windowStart":"2026-07-13T08:30:15.123Z","windowEnd":"2026-11-10T08:30:15.123Z","startIndex":4000,"total":5123}""", text);
        Assert.Equal(cursor, NvdCursor.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"runStart":"2026-11-20T00:00:00Z"}""")]
    [InlineData("""{"runStart":"2026-11-20T00:00:00Z","startIndex":-5}""")]
    [InlineData("""{"runStart":"yesterday","startIndex":5}""")]
    [InlineData("""{"runStart":"2026-11-20T00:00:00Z","windowStart":"2026-10-01T00:00:00Z","startIndex":5}""")]
    [InlineData("""{"runStart":"2026-11-20T00:00:00Z","windowStart":"2026-12-01T00:00:00Z","windowEnd":"2026-12-02T00:00:00Z","startIndex":5}""")]
    public void AnUnreadableCursorIsIgnoredSoTheRunStartsAgainFromTheLastSuccess(string state)
    {
        Assert.Null(NvdCursor.Parse(state));
    }

    [Fact]
    public void WindowsAreAtMost120DaysAndEndAtTheRunStart()
    {
        var from = RunStart.AddDays(-300);
        var windows = new List<NvdCursor>();
        for (var w = (NvdCursor?)NvdCursor.Window(RunStart, from, NvdApiOptions.MaxApiWindow); w is not null; w = w.NextWindow(NvdApiOptions.MaxApiWindow))
        {
            windows.Add(w);
        }

        Assert.Equal([120.0, 120.0, 60.0], windows.Select(w => (w.WindowEnd - w.WindowStart)!.Value.TotalDays));
        Assert.Equal(from, windows[0].WindowStart);
        Assert.Equal(RunStart, windows[^1].WindowEnd);
    }
}
