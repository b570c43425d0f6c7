using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Admin.Users;

[Authorize(Policy = Policies.ManageUsers)]
public sealed class BulkModel(BulkDirectors bulk, EKIS.Reporting.Features.Registry.ScopedUnits units, CurrentScope current, ICurrentActor actor) : PageModel
{
    public IReadOnlyList<EKIS.Reporting.Features.Registry.ScopedUnits.Option> Municipalities { get; private set; } = [];
    public IReadOnlyList<BulkDirectors.Candidate> Candidates { get; private set; } = [];
    public IReadOnlyList<BulkDirectors.Outcome>? Outcomes { get; private set; }
    public long? Municipality { get; private set; }
    public string? Kind { get; private set; }

    public async Task OnGetAsync(long? municipality, string? kind, CancellationToken ct)
    {
        (Municipality, Kind) = (municipality, kind);
        await LoadMunicipalitiesAsync(ct);
        if (municipality is not null)
            Candidates = await bulk.PreviewAsync(current.Required, municipality.Value, kind, ct);
    }

    public async Task<IActionResult> OnPostAsync(long municipality, string? kind, CancellationToken ct)
    {
        (Municipality, Kind) = (municipality, kind);
        await LoadMunicipalitiesAsync(ct);
        if (Municipalities.All(m => m.Id != municipality)) return NotFound();
        Outcomes = await bulk.CreateAsync(current.Required, municipality, kind, actor.Actor, current.ClientAddress, ct);
        return Page();
    }

    private async Task LoadMunicipalitiesAsync(CancellationToken ct) =>
        Municipalities = await units.MunicipalitiesAsync(current.Required, ct);
}
