using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages;

/// <summary>
/// The user-facing error page (and the status code pages): Russian, what to do, and a reference id —
/// the request's trace id — that support finds in the log. A failure is logged here, once, with that id;
/// the page itself shows nothing of it.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class ErrorModel(ILogger<ErrorModel> logger) : PageModel
{
    public string Title { get; private set; } = "Ошибка";
    public string Explanation { get; private set; } = "";
    public string? RequestId { get; private set; }

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    /// <summary>The id a person reads out to support: the W3C trace id the log's events carry, else the request's id.</summary>
    public static string ReferenceId(HttpContext context) =>
        Activity.Current is { } a && a.TraceId != default ? a.TraceId.ToHexString() : context.TraceIdentifier;

    private void Describe(int? code)
    {
        RequestId = ReferenceId(HttpContext);
        if (HttpContext.Features.Get<IExceptionHandlerPathFeature>() is { } failure)
        {
            logger.LogError(failure.Error, "Request {Method} {Path} failed; the user was shown reference {ReferenceId}",
                HttpContext.Request.Method, failure.Path, RequestId);
            code = StatusCodes.Status500InternalServerError;
        }
        (Title, Explanation) = code switch
        {
            404 => ("Страница не найдена", "Такой страницы нет или у вас нет к ней доступа. Проверьте адрес или вернитесь на главную."),
            403 => ("Доступ запрещён", "У вашей роли нет прав на это действие. Если нужна другая роль, переключите её в шапке страницы."),
            400 => ("Некорректный запрос", "Запрос не удалось обработать. Обновите страницу и повторите действие."),
            _ => ("Ошибка", "При обработке запроса произошла ошибка. Попробуйте ещё раз через несколько минут. Если ошибка повторяется, сообщите код обращения в службу поддержки."),
        };
    }
}
