using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Jobs.Accounts;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Account;

[AllowAnonymous]
public sealed class ForgotPasswordModel(PasswordRecovery recovery, IBackgroundJobClient jobs) : PageModel
{
    public string? Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(string? loginOrEmail, CancellationToken ct)
    {
        var request = await recovery.RequestAsync(loginOrEmail, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        // The account is looked up, the link issued and the mail sent by a job: this answer costs the
        // same, and reads the same, whether or not the login exists.
        if (request is { } id)
            jobs.Enqueue<PasswordResetJob>(j => j.RunAsync(id, CancellationToken.None));
        Sent = PasswordRecovery.Acknowledgement;
    }
}
