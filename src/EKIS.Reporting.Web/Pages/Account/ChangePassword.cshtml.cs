using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Account;

public sealed class ChangePasswordModel(PasswordChange change, Sessions sessions) : PageModel
{
    public string? Error { get; private set; }
    public bool Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? current, string? password, string? confirm, CancellationToken ct)
    {
        if (password != confirm)
        {
            Error = "Пароли не совпадают.";
            return Page();
        }
        var userId = User.GetLong(EkisClaims.UserId)!.Value;
        var result = await change.ChangeAsync(userId, current, password, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (result.Error is not null)
        {
            Error = result.Error;
            return Page();
        }
        // This session continues with the new stamp; every other session is refused on its next request.
        var assignmentId = User.GetLong(EkisClaims.AssignmentId);
        var assignment = (await sessions.ActiveAssignmentsAsync(userId, ct)).FirstOrDefault(a => a.Id == assignmentId);
        var current_ = await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            EkisClaims.Principal(userId, User.FindFirst("ekis:login")!.Value, User.Identity!.Name!, result.NewStamp!.Value, User.GetSession()!.Value, assignment),
            current_.Properties ?? new AuthenticationProperties());
        Done = true;
        return Page();
    }
}
