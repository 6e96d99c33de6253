using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Nvd;

/// <summary>A request as the loopback server saw it: path, decoded query (form rules: '+' is a space) and headers.</summary>
internal sealed record ServerRequest(int Number, DateTimeOffset At, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers);

/// <summary>What the loopback server answers: a status and body, optionally cut after some bytes (connection dropped) or never sent (stall).</summary>
internal sealed record ServerReply(int Status, byte[] Body, string ContentType = "application/json")
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Sends the full Content-Length header but only this many body bytes, then closes the connection.</summary>
    public int? DropAfterBytes { get; init; }

    /// <summary>Sends nothing and keeps the connection open until the server stops.</summary>
    public bool Stall { get; init; }

    public static ServerReply Text(int status, string text, params KeyValuePair<string, string>[] headers) =>
        new(status, Encoding.UTF8.GetBytes(text), "text/plain") { Headers = headers };
}

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port) over raw sockets, so tests control every byte: statuses,
/// headers, bodies cut mid-way and connections that never answer. One request per connection.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<ServerRequest, ServerReply> _handler;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<ServerRequest> _requests = [];
    private int _count;

    public LoopbackHttpServer(Func<ServerRequest, ServerReply> handler, TimeProvider clock)
    {
        _handler = handler;
        _clock = clock;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri BaseUri => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/"));

    public IReadOnlyList<ServerRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            values[Uri.UnescapeDataString(name.Replace('+', ' '))] = Uri.UnescapeDataString(value.Replace('+', ' '));
        }

        return values;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                if (request is null)
                {
                    return;
                }

                var reply = _handler(request);
                await WriteReplyAsync(stream, reply);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the server stops.
            }
        }
    }

    private async Task<ServerRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new byte[MaxHeaderBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), _stop.Token);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var head = Encoding.ASCII.GetString(buffer, 0, length);
            var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return Parse(head[..end]);
            }
        }

        return null;
    }

    private ServerRequest Parse(string head)
    {
        var lines = head.Split("\r\n");
        var target = lines[0].Split(' ')[1];
        var q = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        lock (_requests)
        {
            var request = new ServerRequest(++_count, _clock.GetUtcNow(), q < 0 ? target : target[..q], ParseQuery(q < 0 ? "" : target[(q + 1)..]), headers);
            _requests.Add(request);
            return request;
        }
    }

    private async Task WriteReplyAsync(NetworkStream stream, ServerReply reply)
    {
        if (reply.Stall)
        {
            await Task.Delay(Timeout.Infinite, _stop.Token);
            return;
        }

        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {ReasonPhrase(reply.Status)}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Type: {reply.ContentType}\r\nContent-Length: {reply.Body.Length}\r\nConnection: close\r\n");
        foreach (var (name, value) in reply.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
        var body = reply.DropAfterBytes is { } cut ? reply.Body.AsMemory(0, Math.Min(cut, reply.Body.Length)) : reply.Body;
        await stream.WriteAsync(body, _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
