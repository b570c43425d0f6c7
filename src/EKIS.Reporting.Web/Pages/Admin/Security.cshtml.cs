using Microsoft.AspNetCore.Mvc;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Admin;

[Authorize(Policy = Policies.Admin)]
public sealed class SecurityModel(SecurityAudit audit) : PageModel
{
    public SecurityAudit.Page Entries { get; private set; } = new([], 0, 1, 50);
    public string? Login { get; private set; }
    public string? Event { get; private set; }

    public IReadOnlyList<string> EventTypes { get; } = typeof(SecurityAudit.Events).GetFields()
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

    public async Task OnGetAsync(string? login, string? @event, [FromQuery(Name = "page")] int page = 1, CancellationToken ct = default)
    {
        (Login, Event) = (login, @event);
        Entries = await audit.ListAsync(login, @event, page, 50, ct);
    }
}
