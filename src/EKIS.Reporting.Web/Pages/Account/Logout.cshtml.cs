using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Account;

/// <summary>Sign-out is a POST with the antiforgery token (a GET link could be triggered by another site).</summary>
[AllowAnonymous]
public sealed class LogoutModel(SecurityAudit audit) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var userId = User.GetLong(EkisClaims.UserId);
        if (userId is not null)
            await audit.RecordAsync(SecurityAudit.Events.SignedOut, userId, User.FindFirst("ekis:login")?.Value,
                HttpContext.Connection.RemoteIpAddress?.ToString(), $"user:{userId}", ct: ct);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("/Account/Login", new { done = "signout" });
    }
}
