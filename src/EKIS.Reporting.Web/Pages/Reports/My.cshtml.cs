using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Reports;

/// <summary>«Мои формы»: the school's (and its branches') open campaigns; «Заполнить» starts or opens the report.</summary>
public sealed class MyModel(MyForms forms, StartReport start, CurrentScope current, ICurrentActor actor) : PageModel
{
    public IReadOnlyList<MyForms.Item> Items { get; private set; } = [];
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!current.Required.IsSchool) return Forbid();
        Items = await forms.ListAsync(current.Required, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostStartAsync(long campaignId, long orgUnitId, CancellationToken ct)
    {
        if (!current.Required.IsSchool) return Forbid();
        var id = await start.StartAsync(current.Required, actor.Actor, campaignId, orgUnitId, ct);
        if (id is null && current.Required.Role == Roles.Employee)
        {
            // In scope, but without the right to fill in: say so rather than pretend it does not exist.
            Items = await forms.ListAsync(current.Required, ct);
            if (Items.Any(i => i.Form.CampaignId == campaignId && i.Form.OrgUnitId == orgUnitId))
            {
                Problem = "Начать заполнение отчёта может руководитель или сотрудник с правом заполнения: попросите руководителя организации выдать его.";
                Response.StatusCode = StatusCodes.Status403Forbidden;
                return Page();
            }
        }
        if (id is null) return NotFound();
        return RedirectToPage("/Reports/Fill", new { id });
    }
}
