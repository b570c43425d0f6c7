using EKIS.Reporting.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Account;

[AllowAnonymous]
public sealed class ForgotPasswordModel(PasswordLinks links) : PageModel
{
    public string? Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(string? loginOrEmail, CancellationToken ct) =>
        Sent = await links.RequestResetAsync(loginOrEmail, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
}
