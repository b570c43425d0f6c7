using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Account;

/// <summary>
/// Sign-out is a POST with the antiforgery token (a GET link could be triggered by another site).
/// It ends the session on the server, so a copy of the cookie stops working too; «на всех
/// устройствах» ends every open session of the person.
/// </summary>
[AllowAnonymous]
public sealed class LogoutModel(Sessions sessions, SecurityAudit audit) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => SignOutAsync(everywhere: false, ct);

    public Task<IActionResult> OnPostEverywhereAsync(CancellationToken ct) => SignOutAsync(everywhere: true, ct);

    private async Task<IActionResult> SignOutAsync(bool everywhere, CancellationToken ct)
    {
        var userId = User.GetLong(EkisClaims.UserId);
        var session = User.GetSession();
        if (userId is not null && session is not null)
        {
            var ended = await sessions.EndAsync(userId.Value, session.Value, everywhere, ct);
            await audit.RecordAsync(SecurityAudit.Events.SignedOut, userId, User.FindFirst("ekis:login")?.Value,
                HttpContext.Connection.RemoteIpAddress?.ToString(), $"user:{userId}", new { everywhere, sessions = ended }, ct);
        }
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("/Account/Login", new { done = everywhere ? "signout-everywhere" : "signout" });
    }
}
