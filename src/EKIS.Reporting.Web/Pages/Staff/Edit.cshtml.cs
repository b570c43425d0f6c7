using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StaffSlice = EKIS.Reporting.Features.Accounts.Staff;

namespace EKIS.Reporting.Web.Pages.Staff;

/// <summary>An employee's rights. The id is an assignment; outside the director's organisation it is "not found".</summary>
[Authorize(Policy = Policies.Director)]
public sealed class EditModel(StaffSlice staff, CurrentScope current, ICurrentActor actor) : PageModel
{
    public StaffSlice.Employee Employee { get; private set; } = null!;
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, bool saved, CancellationToken ct)
    {
        var e = await staff.FindAsync(current.Required, id, ct);
        if (e is null) return NotFound();
        Employee = e;
        Saved = saved;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, bool canFill, bool canSubmit, CancellationToken ct)
    {
        if (!await staff.SetRightsAsync(current.Required, id, canFill, canSubmit, actor.Actor, current.ClientAddress, ct)) return NotFound();
        return RedirectToPage(new { id, saved = true });
    }

    public async Task<IActionResult> OnPostTerminateAsync(long id, CancellationToken ct)
    {
        if (!await staff.TerminateAsync(current.Required, id, actor.Actor, current.ClientAddress, ct)) return NotFound();
        return RedirectToPage("/Staff/Index");
    }
}
