using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>An administrator closes an organisation (with its open branches) or a branch on a date.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class CloseModel(ReorganiseOrganisation reorganise, CurrentScope current, ICurrentActor actor, EKIS.Reporting.Infrastructure.Time.RegionClock clock) : PageModel
{
    public ReorganiseOrganisation.Subject Unit { get; private set; } = null!;
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public string? Problem { get; private set; }

    [BindProperty] public string? On { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var unit = await reorganise.SubjectAsync(current.Required, id, ct);
        if (unit is null) return NotFound();
        (Unit, On) = (unit, ReorganisationForm.Today(clock));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var unit = await reorganise.SubjectAsync(current.Required, id, ct);
        if (unit is null) return NotFound();
        Unit = unit;
        var (on, dateError) = ReorganisationForm.ParseDate(On, "закрытие", unit.OpenedOn);
        if (dateError is not null)
        {
            Errors["on"] = dateError;
            return Page();
        }
        var result = await reorganise.CloseAsync(unit.EkisCode, on!.Value, actor.Actor, ct);
        if (!result.Done)
        {
            Problem = result.Problem;
            return Page();
        }
        return RedirectToPage("/Registry/Card", new { id, done = "close" });
    }
}
