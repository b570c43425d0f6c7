using EKIS.Reporting.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Account;

/// <summary>Sets a password through a single-use link (password reset or invitation).</summary>
[AllowAnonymous]
public sealed class SetPasswordModel(PasswordLinks links) : PageModel
{
    public PasswordLinks.LinkInfo? Link { get; private set; }
    public string? Token { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken ct)
    {
        Token = token;
        Link = await links.PeekAsync(token, ct);
        if (Link is null) Response.StatusCode = StatusCodes.Status410Gone;
    }

    public async Task<IActionResult> OnPostAsync(string? token, string? password, string? confirm, CancellationToken ct)
    {
        Token = token;
        Link = await links.PeekAsync(token, ct);
        if (Link is null)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }
        if (password != confirm)
        {
            Error = "Пароли не совпадают.";
            return Page();
        }
        Error = await links.ConsumeAsync(token, password, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (Error is not null)
        {
            if (Error == PasswordLinks.InvalidLink) { Link = null; Response.StatusCode = StatusCodes.Status410Gone; }
            return Page();
        }
        return RedirectToPage("/Account/Login", new { done = "password" });
    }
}
