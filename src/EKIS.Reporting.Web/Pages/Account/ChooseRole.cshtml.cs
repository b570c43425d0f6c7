using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Web.Infrastructure;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Account;

public sealed class ChooseRoleModel(Sessions sessions, SecurityAudit audit) : PageModel
{
    public IReadOnlyList<Sessions.Assignment> Assignments { get; private set; } = [];
    public long? CurrentId { get; private set; }
    public string? ReturnUrl { get; private set; }

    public async Task OnGetAsync(string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = LocalUrl.OrNull(returnUrl);
        CurrentId = User.GetLong(EkisClaims.AssignmentId);
        Assignments = await sessions.ActiveAssignmentsAsync(User.GetLong(EkisClaims.UserId)!.Value, ct);
    }

    public async Task<IActionResult> OnPostAsync(long assignmentId, string? returnUrl, CancellationToken ct)
    {
        var userId = User.GetLong(EkisClaims.UserId)!.Value;
        var chosen = (await sessions.ActiveAssignmentsAsync(userId, ct)).FirstOrDefault(a => a.Id == assignmentId);
        if (chosen is null) return NotFound();

        var previous = User.GetLong(EkisClaims.AssignmentId);
        var principal = EkisClaims.Principal(userId, User.FindFirst("ekis:login")!.Value, User.Identity!.Name!, User.GetStamp()!.Value, User.GetSession()!.Value, chosen);
        var current = await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, current.Properties ?? new AuthenticationProperties());
        await audit.RecordAsync(SecurityAudit.Events.RoleSwitched, userId, User.FindFirst("ekis:login")!.Value,
            HttpContext.Connection.RemoteIpAddress?.ToString(), $"user:{userId}", new { from = previous, to = chosen.Id, role = chosen.Role }, ct);
        return LocalRedirect(LocalUrl.OrHome(returnUrl));
    }
}
