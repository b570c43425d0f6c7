using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>An administrator moves an organisation (with its branches) to another municipality from a date.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class MoveModel(ReorganiseOrganisation reorganise, CurrentScope current, ICurrentActor actor, EKIS.Reporting.Infrastructure.Time.RegionClock clock) : PageModel
{
    public ReorganiseOrganisation.Subject Unit { get; private set; } = null!;
    public IReadOnlyList<ReorganiseOrganisation.Municipality> Municipalities { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public string? Problem { get; private set; }

    [BindProperty] public long? Municipality { get; set; }
    [BindProperty] public string? On { get; set; }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var unit = await reorganise.SubjectAsync(current.Required, id, ct);
        if (unit is null || unit.Level != "organisation") return false;
        Unit = unit;
        Municipalities = (await reorganise.MunicipalitiesAsync(current.Required, ct)).Where(m => m.Id != unit.MunicipalityId).ToList();
        return true;
    }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        On = ReorganisationForm.Today(clock);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var target = Municipalities.FirstOrDefault(m => m.Id == Municipality);
        if (Municipality is null) Errors["municipality"] = "Выберите муниципальное образование, в которое переносится организация.";
        else if (target is null) Errors["municipality"] = "Такого муниципального образования нет среди доступных для переноса.";
        var (on, dateError) = ReorganisationForm.ParseDate(On, "перенос", Unit.OpenedOn);
        if (dateError is not null) Errors["on"] = dateError;
        if (Errors.Count > 0) return Page();

        var result = await reorganise.MoveAsync(Unit.EkisCode, target!.EkisCode, on!.Value, actor.Actor, ct);
        if (!result.Done)
        {
            Problem = result.Problem;
            return Page();
        }
        return RedirectToPage("/Registry/Card", new { id, done = "move" });
    }
}
