using Microsoft.Net.Http.Headers;

namespace EKIS.Reporting.Web.Infrastructure.Auth;

/// <summary>
/// Requests made by a page's script (fetch) rather than by the browser navigating. They get a status
/// code with a JSON message where a page would get a redirect: fetch follows a redirect to the sign-in
/// page silently and sees a 200, which a script cannot tell from success (issue 10, point 1).
/// </summary>
public static class JsonRequests
{
    public const string SignInAgain =
        "Сеанс работы завершён (истёк срок, сменён пароль или учётная запись отключена): изменения не сохранены на сервере. Войдите снова.";

    public const string NotAllowed = "У вас нет прав на это действие.";

    public const string ChooseRole = "Выберите роль, с которой работаете, и повторите действие.";

    /// <summary>
    /// A script's request: it says so (X-Requested-With, which entry.js always sends), carries a JSON body
    /// (never a browser form or navigation; other tools post the save contract without our headers), or
    /// accepts JSON and not HTML.
    /// </summary>
    public static bool Expects(HttpRequest request)
    {
        if (string.Equals(request.Headers.XRequestedWith, "XMLHttpRequest", StringComparison.OrdinalIgnoreCase))
            return true;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var body) && IsJson(body))
            return true;
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted) || accepted.Count == 0)
            return false;
        return accepted.Any(IsJson) && !accepted.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsJson(MediaTypeHeaderValue m) =>
        m.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || m.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// The refusal as JSON. A body with a content type also keeps the status-code pages from re-executing
    /// the HTML error page for it.
    /// </summary>
    public static Task WriteAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        return response.WriteAsJsonAsync(new { ok = false, message });
    }
}
