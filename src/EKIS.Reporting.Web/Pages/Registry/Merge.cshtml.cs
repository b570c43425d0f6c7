using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>
/// An administrator merges an organisation into another one from a date: the form is checked first and
/// shown back as a confirmation (what closes, where the branches go); only «Подтвердить» merges.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class MergeModel(ReorganiseOrganisation reorganise, CurrentScope current, ICurrentActor actor, EKIS.Reporting.Infrastructure.Time.RegionClock clock) : PageModel
{
    public ReorganiseOrganisation.Subject Unit { get; private set; } = null!;
    public ReorganiseOrganisation.Subject? Survivor { get; private set; }
    public DateOnly? Date { get; private set; }
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public string? Problem { get; private set; }
    public bool Confirming { get; private set; }

    [BindProperty] public string? Into { get; set; }
    [BindProperty] public string? On { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var unit = await reorganise.SubjectAsync(current.Required, id, ct);
        if (unit is null || unit.Level != "organisation") return NotFound();
        (Unit, On) = (unit, ReorganisationForm.Today(clock));
        return Page();
    }

    /// <summary>The first step: check the form and show what will happen.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!await CheckAsync(id, ct)) return NotFound();
        Confirming = Errors.Count == 0;
        return Page();
    }

    /// <summary>The second step: check again (the registry may have changed since) and merge.</summary>
    public async Task<IActionResult> OnPostConfirmAsync(long id, CancellationToken ct)
    {
        if (!await CheckAsync(id, ct)) return NotFound();
        if (Errors.Count > 0) return Page();
        var result = await reorganise.MergeAsync(Unit.EkisCode, Survivor!.EkisCode, Date!.Value, actor.Actor, ct);
        if (!result.Done)
        {
            Problem = result.Problem;
            return Page();
        }
        return RedirectToPage("/Registry/Card", new { id, done = "merge" });
    }

    private async Task<bool> CheckAsync(long id, CancellationToken ct)
    {
        var unit = await reorganise.SubjectAsync(current.Required, id, ct);
        if (unit is null || unit.Level != "organisation") return false;
        Unit = unit;
        if (unit.Status == "closed") Errors["into"] = "Организация уже закрыта: присоединить её нельзя.";
        else if (string.IsNullOrWhiteSpace(Into)) Errors["into"] = "Укажите код ЕКИС организации, к которой присоединяется эта.";
        else
        {
            Survivor = await reorganise.SubjectByCodeAsync(current.Required, Into, ct);
            if (Survivor is null || Survivor.Level != "organisation")
                Errors["into"] = $"Организация с кодом ЕКИС «{Into.Trim()}» не найдена (присоединять можно только к организации, не к филиалу).";
            else if (Survivor.Id == unit.Id) Errors["into"] = "Организацию нельзя присоединить к ней самой.";
            else if (Survivor.Status == "closed") Errors["into"] = $"«{Survivor.Title}» закрыта: присоединять можно только к действующей организации.";
        }
        var (on, dateError) = ReorganisationForm.ParseDate(On, "присоединение", unit.OpenedOn);
        if (dateError is not null) Errors["on"] = dateError;
        Date = on;
        return true;
    }
}
