using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using EKIS.Reporting.Web.Pages.Review;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Campaigns;

/// <summary>
/// Campaign progress per municipality with a totals row, a drill-down to one municipality's
/// respondents (status, sent date, on-time flag), the Excel download, and — for analysts — closing,
/// reopening or archiving the campaign.
/// </summary>
[Authorize(Roles = ReviewDisplay.Reviewers)]
public sealed class ProgressModel(CampaignList list, CampaignProgress progress, CloseCampaign close, CurrentScope current, ICurrentActor actor) : PageModel
{
    public CampaignList.Row Campaign { get; private set; } = null!;
    public CampaignProgress.Result Progress { get; private set; } = null!;
    public long? MunicipalityId { get; private set; }
    public bool NotSentOnly { get; private set; }
    public bool CanManage { get; private set; }
    public string? Error { get; private set; }

    [TempData] public string? Message { get; set; }

    public IEnumerable<CampaignProgress.Respondent> Respondents => MunicipalityId is null ? [] :
        Progress.Respondents.Where(r => r.MunicipalityId == MunicipalityId && (!NotSentOnly || !r.HasSent));

    public async Task<IActionResult> OnGetAsync(long id, long? municipality, bool notSent, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        // An operator sees one municipality: open its respondents straight away.
        MunicipalityId = municipality is { } m && Progress.Municipalities.Any(x => x.MunicipalityId == m) ? m
            : Progress.Municipalities.Count == 1 ? Progress.Municipalities[0].MunicipalityId : null;
        NotSentOnly = notSent;
        return Page();
    }

    public async Task<IActionResult> OnGetXlsxAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var buffer = new MemoryStream();
        ProgressWorkbook.Write(buffer, Campaign, Progress, ReviewDisplay.StatusTitle);
        buffer.Position = 0;
        var name = $"progress-{Campaign.TemplateCode}-{Campaign.Year}-{Campaign.Period}.xlsx";
        return File(buffer, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    public async Task<IActionResult> OnPostStatusAsync(long id, string from, string to, string? reason, CancellationToken ct)
    {
        var scope = current.Required;
        if (await list.GetAsync(scope, id, ct) is null) return NotFound();
        var result = await close.MoveAsync(scope, actor.Actor, id, from ?? "", to ?? "", reason ?? "", ct);
        if (result.Outcome == CloseCampaign.Outcome.NotFound) return NotFound();
        if (result.Ok)
        {
            TempData["Message"] = $"Статус кампании изменён: «{CampaignStatus.Title(to!)}».";
            return ReviewDisplay.SeeOther($"/Campaigns/{id}/Progress");
        }
        await LoadAsync(id, ct);
        Error = result.Message;
        Response.StatusCode = result.Outcome == CloseCampaign.Outcome.Forbidden ? StatusCodes.Status403Forbidden
            : result.Outcome == CloseCampaign.Outcome.WrongStatus ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var scope = current.Required;
        CanManage = scope.IsRegional;
        var campaign = await list.GetAsync(scope, id, ct);
        if (campaign is null) return false;
        var p = await progress.GetAsync(scope, id, ct);
        if (p is null) return false;
        Campaign = campaign;
        Progress = p;
        return true;
    }
}
