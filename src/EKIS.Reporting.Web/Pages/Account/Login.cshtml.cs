using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Web.Infrastructure;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Account;

[AllowAnonymous]
public sealed class LoginModel(SignIn signIn, Sessions sessions) : PageModel
{
    public string? Login { get; private set; }
    public bool RememberMe { get; private set; }
    public string? Error { get; private set; }
    public string? Notice { get; private set; }
    public string? ReturnUrl { get; private set; }

    public void OnGet(string? returnUrl, string? done)
    {
        ReturnUrl = LocalUrl.OrNull(returnUrl);
        Notice = done switch
        {
            "password" => "Пароль установлен. Войдите с новым паролем.",
            "signout" => "Вы вышли из личного кабинета.",
            "signout-everywhere" => "Вы вышли из личного кабинета на всех устройствах.",
            _ => null,
        };
    }

    public async Task<IActionResult> OnPostAsync(string? login, string? password, bool rememberMe, string? returnUrl, CancellationToken ct)
    {
        Login = login;
        RememberMe = rememberMe;
        ReturnUrl = LocalUrl.OrNull(returnUrl);
        var result = await signIn.AttemptAsync(login, password, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (!result.Succeeded)
        {
            Error = result.Error;
            Response.StatusCode = StatusCodes.Status200OK;
            return Page();
        }

        var assignments = await sessions.ActiveAssignmentsAsync(result.UserId!.Value, ct);
        if (assignments.Count == 0)
        {
            Error = "У вашей учётной записи нет действующих ролей. Обратитесь к администратору.";
            return Page();
        }
        var session = await sessions.StartAsync(result.UserId.Value, rememberMe, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        var principal = EkisClaims.Principal(result.UserId.Value, result.Login!, result.FullName!, result.SecurityStamp!.Value, session,
            assignments.Count == 1 ? assignments[0] : null);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties
        {
            IsPersistent = rememberMe,
            ExpiresUtc = rememberMe ? DateTimeOffset.UtcNow.Add(Sessions.MaxLifetime) : null,
            AllowRefresh = true,
        });
        if (assignments.Count > 1)
            return RedirectToPage("/Account/ChooseRole", new { returnUrl = ReturnUrl });
        return LocalRedirect(LocalUrl.OrHome(ReturnUrl));
    }
}
