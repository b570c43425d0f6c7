namespace EKIS.Reporting.Web.Infrastructure;

/// <summary>
/// The one rule for every return address the app follows (sign-in, the role picker): a path on this
/// site and nothing a browser could read as another site. Browsers drop tabs and line breaks inside
/// a URL and read <c>\</c> as <c>/</c>, so <c>/%09/evil</c> or <c>/\evil</c> would become
/// <c>//evil</c>; the rule refuses every control character and backslash. It is stricter than the
/// framework's local-URL check, so <c>LocalRedirect</c> never throws on what it lets through
/// (issue 10: <c>returnUrl=/%09/evil</c> answered 500 after sign-in).
/// </summary>
public static class LocalUrl
{
    public const int MaxLength = 2048;

    /// <summary>The address when it is a safe local path, else null.</summary>
    public static string? OrNull(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url[0] != '/') return null;
        if (url.Length > 1 && url[1] == '/') return null;
        foreach (var c in url)
        {
            if (char.IsControl(c) || c == '\\') return null;
        }
        return url;
    }

    /// <summary>The address when it is a safe local path, else the start page.</summary>
    public static string OrHome(string? url) => OrNull(url) ?? "/";
}
