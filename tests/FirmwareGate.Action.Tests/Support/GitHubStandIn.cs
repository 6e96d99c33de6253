using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FirmwareGate.Action.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers like GitHub's REST API for what the action calls: check runs
/// (create, update), issue comments (list with <c>per_page</c>/<c>page</c> and a <c>Link</c> header, create,
/// update) and repository contents. Shapes follow docs.github.com; state is kept in memory, every request is
/// recorded, and a route can be told to fail the way GitHub fails.
/// </summary>
/// <remarks>
/// Use: <c>await using var github = GitHubStandIn.Start();</c>, point <c>GITHUB_API_URL</c> at
/// <see cref="BaseUrl"/>, then assert on <see cref="Requests"/>, <see cref="Comments"/> and <see cref="CheckRuns"/>.
/// <c>Start("/api/v3")</c> serves under GitHub Enterprise Server's prefix; requests outside it get a 404.
/// Any owner/repo is accepted.
/// </remarks>
public sealed partial class GitHubStandIn : IAsyncDisposable
{
    /// <summary>The documentation URL GitHub puts in its error bodies.</summary>
    public const string DocumentationUrl = "https://docs.github.com/rest";

    /// <summary>The message of <see cref="Failure.Forbidden"/>, as GitHub words it for a token without permission.</summary>
    public const string ForbiddenMessage = "Resource not accessible by integration";

    /// <summary>The id GitHub's <c>Link</c> URLs use for the repository (<c>/repositories/{id}/...</c>).</summary>
    public const long RepositoryId = 1296269;

    private const int DefaultPerPage = 30;
    private const int MaxPerPage = 100;
    private const int MaxAnnotationsPerRequest = 50;
    private const int MaxSummaryLength = 65_535;

    private static readonly DateTimeOffset Epoch = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly string _prefix;
    private readonly object _gate = new();
    private readonly List<Request> _requests = [];
    private readonly Dictionary<long, List<Comment>> _comments = [];
    private readonly List<CheckRun> _checkRuns = [];
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<Route, Queue<Failure>> _failures = [];
    private long _nextCommentId = 1_000_000;
    private long _nextCheckRunId = 5_000_000;

    private GitHubStandIn(HttpListener listener, int port, string prefix)
    {
        _listener = listener;
        _prefix = prefix;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{prefix}");
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>A route the stand-in serves, for <see cref="FailNext"/>.</summary>
    public enum Route
    {
        /// <summary><c>POST /repos/{owner}/{repo}/check-runs</c>.</summary>
        CreateCheckRun,

        /// <summary><c>PATCH /repos/{owner}/{repo}/check-runs/{id}</c>.</summary>
        UpdateCheckRun,

        /// <summary><c>GET /repos/{owner}/{repo}/issues/{n}/comments</c> (every page).</summary>
        ListComments,

        /// <summary><c>POST /repos/{owner}/{repo}/issues/{n}/comments</c>.</summary>
        CreateComment,

        /// <summary><c>PATCH /repos/{owner}/{repo}/issues/comments/{id}</c>.</summary>
        UpdateComment,

        /// <summary><c>GET /repos/{owner}/{repo}/contents/{path}</c>.</summary>
        GetContents,
    }

    /// <summary>How a failed route answers.</summary>
    public enum Failure
    {
        /// <summary>401 <c>Bad credentials</c>.</summary>
        Unauthorized,

        /// <summary>403 <see cref="ForbiddenMessage"/> with rate limit left (<c>x-ratelimit-remaining</c> &gt; 0).</summary>
        Forbidden,

        /// <summary>403 primary rate limit: <c>x-ratelimit-remaining: 0</c> and <c>x-ratelimit-reset</c> = <see cref="RateLimitReset"/>.</summary>
        RateLimit,

        /// <summary>403 secondary rate limit with <c>retry-after: 60</c>.</summary>
        SecondaryRateLimit,

        /// <summary>429 with <c>retry-after: 30</c>.</summary>
        TooManyRequests,

        /// <summary>500 <c>Server Error</c>.</summary>
        ServerError,

        /// <summary>502 with an HTML body, as a proxy in front of GitHub answers.</summary>
        BadGateway,
    }

    /// <summary>The <c>x-ratelimit-reset</c> that <see cref="Failure.RateLimit"/> sends (epoch seconds 1717243200).</summary>
    public static DateTimeOffset RateLimitReset { get; } = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The API root to give as <c>GITHUB_API_URL</c>: <c>http://127.0.0.1:PORT</c> plus the prefix, no trailing slash.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The TCP port listened on.</summary>
    public int Port { get; }

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The check runs created so far, with their accumulated annotations.</summary>
    public IReadOnlyList<CheckRun> CheckRuns
    {
        get
        {
            lock (_gate)
            {
                return [.. _checkRuns.Select(run => run.Snapshot())];
            }
        }
    }

    /// <summary>Starts a server on a free port; <paramref name="pathPrefix"/> (e.g. <c>/api/v3</c>) is where the API lives.</summary>
    public static GitHubStandIn Start(string pathPrefix = "")
    {
        var prefix = pathPrefix.TrimEnd('/');
        if (prefix.Length > 0 && prefix[0] != '/')
        {
            throw new ArgumentException("The prefix starts with '/'.", nameof(pathPrefix));
        }

        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            try
            {
                listener.Start();
                return new GitHubStandIn(listener, port, prefix);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probing and binding: take another.
                listener.Close();
            }
        }
    }

    /// <summary>The comments of issue (or pull request) <paramref name="issue"/>, oldest first.</summary>
    public IReadOnlyList<Comment> Comments(long issue)
    {
        lock (_gate)
        {
            return _comments.TryGetValue(issue, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Adds <paramref name="count"/> comments to <paramref name="issue"/>, bodies from <paramref name="body"/> (index from 0), by another user.</summary>
    public IReadOnlyList<Comment> SeedComments(long issue, int count, Func<int, string>? body = null)
    {
        var added = new List<Comment>();
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                added.Add(AddComment(issue, body?.Invoke(i) ?? $"Seeded comment {i.ToString(CultureInfo.InvariantCulture)}", "octocat", 583231, "User"));
            }
        }

        return added;
    }

    /// <summary>Makes <paramref name="path"/> (repository-relative) hold <paramref name="text"/> at <paramref name="gitRef"/> (any ref when null).</summary>
    public void PutFile(string path, string text, string? gitRef = null)
    {
        lock (_gate)
        {
            _files[FileKey(path, gitRef)] = text;
        }
    }

    /// <summary>The next <paramref name="times"/> requests to <paramref name="route"/> fail as <paramref name="kind"/> (and change nothing).</summary>
    public void FailNext(Route route, Failure kind, int times = 1)
    {
        lock (_gate)
        {
            if (!_failures.TryGetValue(route, out var queue))
            {
                _failures[route] = queue = new Queue<Failure>();
            }

            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(kind);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop this way on some platforms.
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string FileKey(string path, string? gitRef) => gitRef is null ? path : $"{path}@{gitRef}";

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            var request = await RecordAsync(context.Request).ConfigureAwait(false);
            Answer answer;
            lock (_gate)
            {
                _requests.Add(request);
                answer = Dispatch(request);
            }

            await WriteAsync(context.Response, answer).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away; nothing to answer.
        }
    }

    private static async Task<Request> RecordAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = request.Headers[name] ?? string.Empty;
            }
        }

        // RawUrl is the request target exactly as sent (path and query, percent-encoding kept).
        return new Request(request.HttpMethod, request.RawUrl ?? "/", headers, body);
    }

    private static async Task WriteAsync(HttpListenerResponse response, Answer answer)
    {
        response.StatusCode = answer.Status;
        response.ContentType = answer.ContentType;
        response.Headers["x-github-api-version-selected"] = "2022-11-28";
        response.Headers["x-github-request-id"] = "C0DE:1234:5678:9ABC:664F0000";
        response.Headers["x-ratelimit-limit"] = "5000";
        response.Headers["x-ratelimit-resource"] = "core";
        if (!answer.Headers.ContainsKey("x-ratelimit-remaining"))
        {
            response.Headers["x-ratelimit-remaining"] = "4999";
            response.Headers["x-ratelimit-used"] = "1";
            response.Headers["x-ratelimit-reset"] = RateLimitReset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    private Answer Dispatch(Request request)
    {
        var path = request.Target.Split('?', 2)[0];
        if (!path.StartsWith(_prefix + "/", StringComparison.Ordinal))
        {
            return Error(404, "Not Found");
        }

        var apiPath = path[_prefix.Length..];
        var query = Query(request.Target);
        var match = RepositoryRoute().Match(apiPath);
        if (!match.Success)
        {
            return Error(404, "Not Found");
        }

        var rest = match.Groups["rest"].Value;
        return (request.Method, rest) switch
        {
            ("POST", "check-runs") => Guarded(Route.CreateCheckRun, () => CreateCheckRun(request)),
            ("PATCH", _) when CheckRunRoute().Match(rest) is { Success: true } m =>
                Guarded(Route.UpdateCheckRun, () => UpdateCheckRun(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), request)),
            ("GET", _) when IssueCommentsRoute().Match(rest) is { Success: true } m =>
                Guarded(Route.ListComments, () => ListComments(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), query)),
            ("POST", _) when IssueCommentsRoute().Match(rest) is { Success: true } m =>
                Guarded(Route.CreateComment, () => CreateComment(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), request)),
            ("PATCH", _) when CommentRoute().Match(rest) is { Success: true } m =>
                Guarded(Route.UpdateComment, () => UpdateComment(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), request)),
            ("GET", _) when rest.StartsWith("contents/", StringComparison.Ordinal) =>
                Guarded(Route.GetContents, () => GetContents(Uri.UnescapeDataString(rest["contents/".Length..]), query)),
            _ => Error(404, "Not Found"),
        };
    }

    private Answer Guarded(Route route, Func<Answer> serve) =>
        _failures.TryGetValue(route, out var queue) && queue.TryDequeue(out var failure) ? FailureAnswer(failure) : serve();

    private static Answer FailureAnswer(Failure failure) => failure switch
    {
        Failure.Unauthorized => Error(401, "Bad credentials"),
        Failure.Forbidden => Error(403, ForbiddenMessage),
        Failure.RateLimit => Error(403, "API rate limit exceeded for installation ID 4242.") with
        {
            Headers = new Dictionary<string, string>
            {
                ["x-ratelimit-remaining"] = "0",
                ["x-ratelimit-used"] = "5000",
                ["x-ratelimit-reset"] = RateLimitReset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            },
        },
        Failure.SecondaryRateLimit => Error(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.") with
        {
            Headers = new Dictionary<string, string> { ["retry-after"] = "60" },
        },
        Failure.TooManyRequests => Error(429, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.") with
        {
            Headers = new Dictionary<string, string> { ["retry-after"] = "30" },
        },
        Failure.ServerError => Error(500, "Server Error"),
        Failure.BadGateway => new Answer(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", new Dictionary<string, string>(), "text/html"),
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };

    private Answer CreateCheckRun(Request request)
    {
        if (ParseObject(request.Body) is not { } body)
        {
            return Error(400, "Problems parsing JSON");
        }

        if (String(body, "name") is not { Length: > 0 } name || String(body, "head_sha") is not { Length: > 0 } headSha)
        {
            return Validation("name and head_sha are required");
        }

        var run = new CheckRun(_nextCheckRunId++, name, headSha);
        if (ApplyCheckRun(run, body) is { } invalid)
        {
            return invalid;
        }

        _checkRuns.Add(run);
        return Json(201, CheckRunJson(run));
    }

    private Answer UpdateCheckRun(long id, Request request)
    {
        var run = _checkRuns.Find(candidate => candidate.Id == id);
        if (run is null)
        {
            return Error(404, "Not Found");
        }

        if (ParseObject(request.Body) is not { } body)
        {
            return Error(400, "Problems parsing JSON");
        }

        if (String(body, "name") is { Length: > 0 } name)
        {
            run.Name = name;
        }

        return ApplyCheckRun(run, body) ?? Json(200, CheckRunJson(run));
    }

    private static Answer? ApplyCheckRun(CheckRun run, JsonElement body)
    {
        var conclusion = String(body, "conclusion");
        var status = String(body, "status");
        if (conclusion is not null && !ValidConclusions.Contains(conclusion))
        {
            return Validation($"conclusion '{conclusion}' is not valid");
        }

        if (status == "completed" && conclusion is null && run.Conclusion is null)
        {
            return Validation("conclusion is required when status is completed");
        }

        if (!body.TryGetProperty("output", out var output) || output.ValueKind == JsonValueKind.Null)
        {
            run.Status = conclusion is not null ? "completed" : status ?? run.Status;
            run.Conclusion = conclusion ?? run.Conclusion;
            return null;
        }

        // The API requires title and summary whenever output is given, on create and on every update.
        if (String(output, "title") is not { } title || String(output, "summary") is not { } summary)
        {
            return Validation("output requires title and summary");
        }

        if (summary.Length > MaxSummaryLength)
        {
            return Validation($"Only {MaxSummaryLength.ToString(CultureInfo.InvariantCulture)} characters are allowed in summary");
        }

        var annotations = output.TryGetProperty("annotations", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(annotation => annotation.Clone()).ToList()
            : [];
        if (annotations.Count > MaxAnnotationsPerRequest)
        {
            return Validation($"Only {MaxAnnotationsPerRequest.ToString(CultureInfo.InvariantCulture)} annotations are allowed per request");
        }

        if (annotations.FirstOrDefault(annotation => !ValidAnnotation(annotation)) is { ValueKind: JsonValueKind.Object } bad)
        {
            return Validation($"annotation is invalid: {bad.GetRawText()}");
        }

        run.Status = conclusion is not null ? "completed" : status ?? run.Status;
        run.Conclusion = conclusion ?? run.Conclusion;
        run.Title = title;
        run.Summary = summary;
        run.AddAnnotations(annotations);
        return null;
    }

    private static readonly HashSet<string> ValidConclusions =
        ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];

    private static bool ValidAnnotation(JsonElement annotation) =>
        annotation.ValueKind == JsonValueKind.Object
        && String(annotation, "path") is { Length: > 0 }
        && String(annotation, "message") is { Length: > 0 }
        && String(annotation, "annotation_level") is "notice" or "warning" or "failure"
        && annotation.TryGetProperty("start_line", out var start) && start.ValueKind == JsonValueKind.Number
        && annotation.TryGetProperty("end_line", out var end) && end.ValueKind == JsonValueKind.Number;

    private Answer ListComments(long issue, IReadOnlyDictionary<string, string> query)
    {
        var perPage = query.TryGetValue("per_page", out var p) && int.TryParse(p, CultureInfo.InvariantCulture, out var pp)
            ? Math.Clamp(pp, 1, MaxPerPage)
            : DefaultPerPage;
        var page = query.TryGetValue("page", out var n) && int.TryParse(n, CultureInfo.InvariantCulture, out var nn) && nn > 0 ? nn : 1;
        var all = _comments.TryGetValue(issue, out var list) ? list : [];
        var pageItems = all.Skip((page - 1) * perPage).Take(perPage).ToList();
        var lastPage = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var headers = new Dictionary<string, string>();
        if (lastPage > 1)
        {
            headers["Link"] = LinkHeader(issue, query, perPage, page, lastPage);
        }

        var answer = Json(200, writer =>
        {
            writer.WriteStartArray();
            foreach (var comment in pageItems)
            {
                WriteComment(writer, comment);
            }

            writer.WriteEndArray();
        });
        return answer with { Headers = headers };
    }

    private string LinkHeader(long issue, IReadOnlyDictionary<string, string> query, int perPage, int page, int lastPage)
    {
        // GitHub's Link URLs name the repository by id, not by owner/name, and keep the request's other parameters.
        var kept = string.Concat(query
            .Where(parameter => parameter.Key is not "per_page" and not "page")
            .Select(parameter => $"{Uri.EscapeDataString(parameter.Key)}={Uri.EscapeDataString(parameter.Value)}&"));
        string Url(int target) =>
            $"<{Root}/repositories/{RepositoryId.ToString(CultureInfo.InvariantCulture)}/issues/{issue.ToString(CultureInfo.InvariantCulture)}/comments?{kept}per_page={perPage.ToString(CultureInfo.InvariantCulture)}&page={target.ToString(CultureInfo.InvariantCulture)}>";
        var links = new List<string>();
        if (page > 1)
        {
            links.Add($"{Url(page - 1)}; rel=\"prev\"");
        }

        if (page < lastPage)
        {
            links.Add($"{Url(page + 1)}; rel=\"next\"");
            links.Add($"{Url(lastPage)}; rel=\"last\"");
        }

        if (page > 1)
        {
            links.Add($"{Url(1)}; rel=\"first\"");
        }

        return string.Join(", ", links);
    }

    private string Root => BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private Answer CreateComment(long issue, Request request)
    {
        if (ParseObject(request.Body) is not { } body)
        {
            return Error(400, "Problems parsing JSON");
        }

        if (String(body, "body") is not { Length: > 0 } text)
        {
            return Validation("body is required");
        }

        var comment = AddComment(issue, text, "github-actions[bot]", 41898282, "Bot");
        return Json(201, writer => WriteComment(writer, comment)) with
        {
            Headers = new Dictionary<string, string> { ["Location"] = $"{Root}/repos/octo/repo/issues/comments/{comment.Id.ToString(CultureInfo.InvariantCulture)}" },
        };
    }

    private Answer UpdateComment(long id, Request request)
    {
        var (issue, index) = FindComment(id);
        if (index < 0)
        {
            return Error(404, "Not Found");
        }

        if (ParseObject(request.Body) is not { } body)
        {
            return Error(400, "Problems parsing JSON");
        }

        if (String(body, "body") is not { Length: > 0 } text)
        {
            return Validation("body is required");
        }

        var list = _comments[issue];
        var updated = list[index] with { Body = text, UpdatedAt = list[index].UpdatedAt.AddMinutes(1) };
        list[index] = updated;
        return Json(200, writer => WriteComment(writer, updated));
    }

    private (long Issue, int Index) FindComment(long id)
    {
        foreach (var (issue, list) in _comments)
        {
            var index = list.FindIndex(comment => comment.Id == id);
            if (index >= 0)
            {
                return (issue, index);
            }
        }

        return (0, -1);
    }

    private Comment AddComment(long issue, string body, string login, long userId, string userType)
    {
        if (!_comments.TryGetValue(issue, out var list))
        {
            _comments[issue] = list = [];
        }

        var id = _nextCommentId++;
        var created = Epoch.AddMinutes(id - 1_000_000);
        var comment = new Comment(id, issue, body, login, userId, userType, created, created);
        list.Add(comment);
        return comment;
    }

    private Answer GetContents(string path, IReadOnlyDictionary<string, string> query)
    {
        var gitRef = query.GetValueOrDefault("ref");
        if (!_files.TryGetValue(FileKey(path, gitRef), out var text) && !_files.TryGetValue(FileKey(path, null), out text))
        {
            return Error(404, "Not Found", "https://docs.github.com/rest/repos/contents#get-repository-content");
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(bytes));
        var name = path[(path.LastIndexOf('/') + 1)..];
        var self = $"{Root}/repos/octo/repo/contents/{path}?ref={gitRef ?? "main"}";
        return Json(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "file");
            writer.WriteString("encoding", "base64");
            writer.WriteNumber("size", bytes.Length);
            writer.WriteString("name", name);
            writer.WriteString("path", path);
            writer.WriteString("content", WrappedBase64(bytes));
            writer.WriteString("sha", sha);
            writer.WriteString("url", self);
            writer.WriteString("git_url", $"{Root}/repos/octo/repo/git/blobs/{sha}");
            writer.WriteString("html_url", $"https://github.com/octo/repo/blob/{gitRef ?? "main"}/{path}");
            writer.WriteString("download_url", $"https://raw.githubusercontent.com/octo/repo/{gitRef ?? "main"}/{path}");
            writer.WriteStartObject("_links");
            writer.WriteString("self", self);
            writer.WriteString("git", $"{Root}/repos/octo/repo/git/blobs/{sha}");
            writer.WriteString("html", $"https://github.com/octo/repo/blob/{gitRef ?? "main"}/{path}");
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>Base64 in lines of 60 characters, each ending in \n, as the contents API sends it.</summary>
    private static string WrappedBase64(byte[] bytes)
    {
        var flat = Convert.ToBase64String(bytes);
        var wrapped = new StringBuilder();
        for (var start = 0; start < flat.Length; start += 60)
        {
            wrapped.Append(flat.AsSpan(start, Math.Min(60, flat.Length - start))).Append('\n');
        }

        return wrapped.ToString();
    }

    private string CheckRunJson(CheckRun run) => Serialize(writer =>
    {
        var html = $"https://github.com/octo/repo/runs/{run.Id.ToString(CultureInfo.InvariantCulture)}";
        writer.WriteStartObject();
        writer.WriteNumber("id", run.Id);
        writer.WriteString("head_sha", run.HeadSha);
        writer.WriteString("node_id", $"CR_kwDO{run.Id.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteString("external_id", string.Empty);
        writer.WriteString("url", $"{Root}/repos/octo/repo/check-runs/{run.Id.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteString("html_url", html);
        writer.WriteString("details_url", html);
        writer.WriteString("status", run.Status);
        WriteNullable(writer, "conclusion", run.Conclusion);
        writer.WriteString("started_at", "2024-05-01T12:00:00Z");
        WriteNullable(writer, "completed_at", run.Status == "completed" ? "2024-05-01T12:00:05Z" : null);
        writer.WriteStartObject("output");
        WriteNullable(writer, "title", run.Title);
        WriteNullable(writer, "summary", run.Summary);
        writer.WriteNull("text");
        writer.WriteNumber("annotations_count", run.Annotations.Count);
        writer.WriteString("annotations_url", $"{Root}/repos/octo/repo/check-runs/{run.Id.ToString(CultureInfo.InvariantCulture)}/annotations");
        writer.WriteEndObject();
        writer.WriteString("name", run.Name);
        writer.WriteStartObject("check_suite");
        writer.WriteNumber("id", 5);
        writer.WriteEndObject();
        writer.WriteStartObject("app");
        writer.WriteNumber("id", 15368);
        writer.WriteString("slug", "github-actions");
        writer.WriteString("node_id", "MDM6QXBwMTUzNjg=");
        writer.WriteStartObject("owner");
        WriteUser(writer, "github", 9919, "Organization");
        writer.WriteEndObject();
        writer.WriteString("name", "GitHub Actions");
        writer.WriteString("description", "Automate your workflow from idea to production");
        writer.WriteString("external_url", "https://help.github.com/en/actions");
        writer.WriteString("html_url", "https://github.com/apps/github-actions");
        writer.WriteString("created_at", "2018-07-30T09:30:17Z");
        writer.WriteString("updated_at", "2019-12-10T19:04:12Z");
        writer.WriteEndObject();
        writer.WriteStartArray("pull_requests");
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private void WriteComment(Utf8JsonWriter writer, Comment comment)
    {
        var id = comment.Id.ToString(CultureInfo.InvariantCulture);
        var issue = comment.Issue.ToString(CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        writer.WriteNumber("id", comment.Id);
        writer.WriteString("node_id", $"IC_kwDOA{id}");
        writer.WriteString("url", $"{Root}/repos/octo/repo/issues/comments/{id}");
        writer.WriteString("html_url", $"https://github.com/octo/repo/pull/{issue}#issuecomment-{id}");
        writer.WriteString("body", comment.Body);
        writer.WriteStartObject("user");
        WriteUser(writer, comment.Login, comment.UserId, comment.UserType);
        writer.WriteEndObject();
        writer.WriteString("created_at", comment.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        writer.WriteString("updated_at", comment.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        writer.WriteString("issue_url", $"{Root}/repos/octo/repo/issues/{issue}");
        writer.WriteString("author_association", comment.UserType == "Bot" ? "NONE" : "COLLABORATOR");
        writer.WriteStartObject("performed_via_github_app");
        writer.WriteNumber("id", 15368);
        writer.WriteString("slug", "github-actions");
        writer.WriteString("name", "GitHub Actions");
        writer.WriteEndObject();
        writer.WriteStartObject("reactions");
        writer.WriteString("url", $"{Root}/repos/octo/repo/issues/comments/{id}/reactions");
        writer.WriteNumber("total_count", 0);
        foreach (var reaction in new[] { "+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes" })
        {
            writer.WriteNumber(reaction, 0);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteUser(Utf8JsonWriter writer, string login, long id, string type)
    {
        writer.WriteString("login", login);
        writer.WriteNumber("id", id);
        writer.WriteString("node_id", $"MDQ6VXNlcj{id.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteString("avatar_url", $"https://avatars.githubusercontent.com/u/{id.ToString(CultureInfo.InvariantCulture)}?v=4");
        writer.WriteString("gravatar_id", string.Empty);
        writer.WriteString("url", $"https://api.github.com/users/{login}");
        writer.WriteString("html_url", $"https://github.com/{login}");
        writer.WriteString("type", type);
        writer.WriteBoolean("site_admin", false);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static Answer Error(int status, string message, string documentationUrl = DocumentationUrl) =>
        Json(status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("message", message);
            writer.WriteString("documentation_url", documentationUrl);
            writer.WriteString("status", status.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        });

    private static Answer Validation(string detail) =>
        Json(422, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("message", "Validation Failed");
            writer.WriteStartArray("errors");
            writer.WriteStringValue(detail);
            writer.WriteEndArray();
            writer.WriteString("documentation_url", DocumentationUrl);
            writer.WriteString("status", "422");
            writer.WriteEndObject();
        });

    private static Answer Json(int status, Action<Utf8JsonWriter> write) => Json(status, Serialize(write));

    private static Answer Json(int status, string body) =>
        new(status, body, new Dictionary<string, string>(), "application/json; charset=utf-8");

    private static string Serialize(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static JsonElement? ParseObject(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, string> Query(string target)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return query;
        }

        foreach (var pair in target[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            query[Uri.UnescapeDataString(parts[0])] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
        }

        return query;
    }

    [GeneratedRegex(@"^/(?:repos/[^/]+/[^/]+|repositories/\d+)/(?<rest>.+)$")]
    private static partial Regex RepositoryRoute();

    [GeneratedRegex(@"^check-runs/(\d+)$")]
    private static partial Regex CheckRunRoute();

    [GeneratedRegex(@"^issues/(\d+)/comments$")]
    private static partial Regex IssueCommentsRoute();

    [GeneratedRegex(@"^issues/comments/(\d+)$")]
    private static partial Regex CommentRoute();

    /// <summary>One request as received.</summary>
    /// <param name="Method">The HTTP method, upper case.</param>
    /// <param name="Target">Path and query as sent, e.g. <c>/api/v3/repos/o/r/issues/7/comments?per_page=100&amp;page=2</c>.</param>
    /// <param name="Headers">Request headers (names case-insensitive).</param>
    /// <param name="Body">The body as UTF-8 text; empty when there was none.</param>
    public sealed record Request(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        /// <summary>The path without the query.</summary>
        public string Path => Target.Split('?', 2)[0];

        /// <summary>The query parameters (unescaped).</summary>
        public IReadOnlyDictionary<string, string> QueryParameters => Query(Target);

        /// <summary>A header's value, or null.</summary>
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

        /// <summary>The body parsed as JSON (dispose it).</summary>
        public JsonDocument Json() => JsonDocument.Parse(Body);
    }

    /// <summary>An issue comment as the stand-in holds it.</summary>
    public sealed record Comment(long Id, long Issue, string Body, string Login, long UserId, string UserType, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <summary>A check run as the stand-in holds it; <see cref="Annotations"/> accumulate over create and updates.</summary>
    public sealed class CheckRun
    {
        private readonly List<JsonElement> _annotations = [];

        internal CheckRun(long id, string name, string headSha)
        {
            Id = id;
            Name = name;
            HeadSha = headSha;
        }

        /// <summary>The id the create answered with.</summary>
        public long Id { get; }

        /// <summary><c>name</c>.</summary>
        public string Name { get; internal set; }

        /// <summary><c>head_sha</c>.</summary>
        public string HeadSha { get; }

        /// <summary><c>status</c>: <c>queued</c> until told otherwise or given a conclusion.</summary>
        public string Status { get; internal set; } = "queued";

        /// <summary><c>conclusion</c>, or null.</summary>
        public string? Conclusion { get; internal set; }

        /// <summary><c>output.title</c> as last given.</summary>
        public string? Title { get; internal set; }

        /// <summary><c>output.summary</c> as last given.</summary>
        public string? Summary { get; internal set; }

        /// <summary>Every annotation received, in order, as the JSON objects sent.</summary>
        public IReadOnlyList<JsonElement> Annotations => _annotations;

        internal void AddAnnotations(IEnumerable<JsonElement> annotations) => _annotations.AddRange(annotations);

        internal CheckRun Snapshot()
        {
            var copy = new CheckRun(Id, Name, HeadSha) { Status = Status, Conclusion = Conclusion, Title = Title, Summary = Summary };
            copy._annotations.AddRange(_annotations);
            return copy;
        }
    }

    private sealed record Answer(int Status, string Body, IReadOnlyDictionary<string, string> Headers, string ContentType);
}
