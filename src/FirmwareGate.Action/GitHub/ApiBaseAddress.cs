namespace FirmwareGate.Action.GitHub;

/// <summary>The REST API's root as a base address that relative paths such as <c>repos/o/r</c> extend.</summary>
internal static class ApiBaseAddress
{
    /// <summary>
    /// <paramref name="apiUrl"/> with a trailing slash, so <c>https://HOST/api/v3</c> keeps its <c>api/v3</c> when
    /// a relative path is resolved against it. Query and fragment are dropped.
    /// </summary>
    public static Uri From(Uri apiUrl)
    {
        if (!apiUrl.IsAbsoluteUri || (apiUrl.Scheme != Uri.UriSchemeHttps && apiUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The GitHub API URL '{apiUrl}' is not an absolute http(s) URL.", nameof(apiUrl));
        }

        var path = apiUrl.AbsolutePath.EndsWith('/') ? apiUrl.AbsolutePath : apiUrl.AbsolutePath + "/";
        return new UriBuilder(apiUrl) { Path = path, Query = string.Empty, Fragment = string.Empty }.Uri;
    }
}
