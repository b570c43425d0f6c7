using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages;

[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Ошибка";
    public string Explanation { get; private set; } = "";
    public string? RequestId { get; private set; }

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        (Title, Explanation) = code switch
        {
            404 => ("Страница не найдена", "Такой страницы нет или у вас нет к ней доступа."),
            403 => ("Доступ запрещён", "У вашей роли нет прав на это действие."),
            400 => ("Некорректный запрос", "Запрос не удалось обработать. Обновите страницу и повторите действие."),
            _ => ("Ошибка", "При обработке запроса произошла ошибка. Попробуйте ещё раз через несколько минут."),
        };
    }
}
