using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using EKIS.Reporting.Web.Pages.Review;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Campaigns;

/// <summary>An analyst adds or drops an expected respondent with a required reason; the list shows who, when and why.</summary>
[Authorize(Roles = ReviewDisplay.Managers)]
public sealed class RespondentsModel(CampaignList list, CampaignRespondents respondents, OpenCampaign open, CurrentScope current, ICurrentActor actor, TimeProvider clock) : PageModel
{
    public CampaignList.Row Campaign { get; private set; } = null!;
    public IReadOnlyList<CampaignRespondents.Row> Rows { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Code { get; private set; }
    public string? Reason { get; private set; }

    [TempData] public string? Message { get; set; }

    public TimeZoneInfo Zone => clock.LocalTimeZone;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(long id, string? code, string? reason, CancellationToken ct) =>
        await ChangeAsync(id, code, reason, add: true, ct);

    public async Task<IActionResult> OnPostDropAsync(long id, string? code, string? reason, CancellationToken ct) =>
        await ChangeAsync(id, code, reason, add: false, ct);

    private async Task<IActionResult> ChangeAsync(long id, string? code, string? reason, bool add, CancellationToken ct)
    {
        var scope = current.Required;
        if (!await LoadAsync(id, ct)) return NotFound();
        Code = code;
        Reason = reason;
        var unit = await respondents.FindUnitAsync(scope, code ?? "", ct);
        if (unit is null)
            return Refuse($"Организация или филиал с кодом ЕКИС «{code?.Trim()}» не найдены в вашей зоне.");
        if (string.IsNullOrWhiteSpace(reason))
            return Refuse(add ? "Укажите причину добавления респондента." : "Укажите причину исключения респондента.");
        var current1 = Rows.FirstOrDefault(r => r.OrgUnitId == unit.Id);
        if (add && current1 is { Dropped: false })
            return Refuse($"«{unit.Name}» уже в числе ожидаемых респондентов.");
        if (!add && current1 is not { Dropped: false })
            return Refuse($"«{unit.Name}» не входит в число ожидаемых респондентов.");
        var done = add
            ? await open.AddRespondentAsync(scope, actor.Actor, id, unit.Id, reason.Trim(), ct)
            : await open.DropRespondentAsync(scope, actor.Actor, id, unit.Id, reason.Trim(), ct);
        if (!done) return Refuse("Изменение не выполнено: обновите страницу и попробуйте снова.");
        TempData["Message"] = add ? $"«{unit.Name}» добавлена в число респондентов." : $"«{unit.Name}» исключена из числа респондентов.";
        return ReviewDisplay.SeeOther($"/Campaigns/{id}/Respondents");
    }

    private PageResult Refuse(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var scope = current.Required;
        var campaign = await list.GetAsync(scope, id, ct);
        var rows = campaign is null ? null : await respondents.ListAsync(scope, id, ct);
        if (campaign is null || rows is null) return false;
        Campaign = campaign;
        Rows = rows;
        return true;
    }
}
