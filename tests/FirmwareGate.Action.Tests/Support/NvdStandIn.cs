using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace FirmwareGate.Action.Tests.Support;

/// <summary>
/// The NVD CVE API 2.0 on 127.0.0.1: every request gets one page holding the sample's real NVD records
/// (samples/vulndb/nvd), in the API's response shape. Records the query strings asked for.
/// </summary>
internal sealed class NvdStandIn : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly byte[] _page;

    private NvdStandIn(int port)
    {
        Url = $"http://127.0.0.1:{port}/rest/json/cves/2.0";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _page = Page();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public List<string> Queries { get; } = [];

    public static NvdStandIn Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new NvdStandIn(port);
    }

    private static byte[] Page()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.SampleDatabase, "nvd"), "*.json").Order(StringComparer.Ordinal).ToList();
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("resultsPerPage", files.Count);
            w.WriteNumber("startIndex", 0);
            w.WriteNumber("totalResults", files.Count);
            w.WriteString("format", "NVD_CVE");
            w.WriteString("version", "2.0");
            w.WriteString("timestamp", "2026-11-20T00:00:00.000");
            w.WriteStartArray("vulnerabilities");
            foreach (string file in files)
            {
                using var record = JsonDocument.Parse(File.ReadAllBytes(file));
                w.WriteStartObject();
                w.WritePropertyName("cve");
                record.RootElement.WriteTo(w);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            lock (Queries)
            {
                Queries.Add(context.Request.Url?.Query ?? "");
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = _page.Length;
            await context.Response.OutputStream.WriteAsync(_page);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
