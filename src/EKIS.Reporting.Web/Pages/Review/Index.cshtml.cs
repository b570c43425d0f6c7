using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Features.Review;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Time;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Review;

/// <summary>
/// «Проверка отчётов»: a campaign's reports waiting for the reviewer (or any status), with control-result
/// badges for the page shown; an operator accepts the clean submitted reports of the municipality in bulk
/// after a confirmation step.
/// </summary>
[Authorize(Roles = ReviewDisplay.Reviewers)]
public sealed class IndexModel(ReviewQueue queue, CampaignList campaigns, SearchRegistry registry, ReportReview review,
    CurrentScope current, ICurrentActor actor, RegionClock clock) : PageModel
{
    public IReadOnlyList<CampaignList.Row> Campaigns { get; private set; } = [];
    public CampaignList.Row? Campaign { get; private set; }
    public ReviewQueue.Query Query { get; private set; } = new(0);
    public ReviewQueue.Result Result { get; private set; } = new([], 0, 1, 25, ReviewQueue.Any);
    public IReadOnlyDictionary<long, ReviewQueue.Badge> Badges { get; private set; } = new Dictionary<long, ReviewQueue.Badge>();
    public IReadOnlyList<SearchRegistry.Option> Municipalities { get; private set; } = [];
    public bool IsOperator { get; private set; }
    public bool ConfirmBulk { get; private set; }
    public TimeZoneInfo Zone => clock.Zone;

    [TempData] public string? Message { get; set; }

    public async Task<IActionResult> OnGetAsync(long? campaign, string? status, long? municipality, string? sort, bool desc = false, [FromQuery(Name = "page")] int page = 1,
        bool confirm = false, CancellationToken ct = default)
    {
        var scope = current.Required;
        IsOperator = scope.Role == Roles.MunicipalOperator;
        Campaigns = await campaigns.ListAsync(scope, ct);
        // Without a choice: the newest open campaign, else the newest one.
        Campaign = campaign is { } id ? Campaigns.FirstOrDefault(c => c.Id == id)
            : Campaigns.FirstOrDefault(c => c.Status == CampaignStatus.Open) ?? Campaigns.FirstOrDefault();
        if (campaign is not null && Campaign is null) return NotFound();
        if (Campaign is null) return Page();

        if (!scope.IsRegional || IsOperator) municipality = null; // an operator has one municipality; the filter is for analysts
        else Municipalities = await registry.MunicipalitiesAsync(scope, ct);
        status = status is ReviewQueue.Mine or ReviewQueue.Any || (status is not null && ReviewQueue.Statuses.Contains(status)) ? status : ReviewQueue.Mine;
        sort = sort is not null && ReviewQueue.SortKeys.Contains(sort) ? sort : "sent";
        Query = new ReviewQueue.Query(Campaign.Id, status, municipality, sort, desc, page);
        Result = (await queue.ListAsync(scope, Query, ct))!;
        Badges = await queue.BadgesAsync(scope, Result.Items.Where(r => r.Status != ReportStatus.Draft).Select(r => r.ReportId), ct);
        ConfirmBulk = confirm && IsOperator;
        return Page();
    }

    /// <summary>Bulk acceptance of the clean submitted reports (operators; the slice skips anything with errors or warnings).</summary>
    public async Task<IActionResult> OnPostAcceptCleanAsync(long campaign, CancellationToken ct)
    {
        var scope = current.Required;
        if (scope.Role != Roles.MunicipalOperator) return Forbid();
        if (await campaigns.GetAsync(scope, campaign, ct) is null) return NotFound();
        var result = await review.AcceptCleanByMunicipalityAsync(scope, actor.Actor, campaign, ct);
        TempData["Message"] = $"Принято отчётов без ошибок и предупреждений: {ReviewDisplay.Number(result.Accepted)}; " +
            $"оставлено для проверки по одному: {ReviewDisplay.Number(result.Skipped.Count)}.";
        return ReviewDisplay.SeeOther($"/Review?campaign={campaign}");
    }

    public string ListUrl(string? status = null, string? sort = null, bool? desc = null, bool confirm = false)
    {
        var q = new Dictionary<string, string?>
        {
            ["campaign"] = Campaign?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["status"] = status ?? Query.Status,
            ["municipality"] = Query.MunicipalityId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["sort"] = sort ?? Query.Sort,
            ["desc"] = (desc ?? Query.Descending) ? "true" : null,
            ["confirm"] = confirm ? "true" : null,
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/Review", q.Where(kv => kv.Value is not null));
    }

    public string SortUrl(string key) => ListUrl(sort: key, desc: Query.Sort == key && !Query.Descending);
    public string SortMark(string key) => Query.Sort != key ? "" : Query.Descending ? " ▼" : " ▲";

    public IDictionary<string, string?> Filters => new Dictionary<string, string?>
    {
        ["campaign"] = Campaign?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["status"] = Query.Status,
        ["municipality"] = Query.MunicipalityId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["sort"] = Query.Sort,
        ["desc"] = Query.Descending ? "true" : null,
    };

    public static string StatusFilterTitle(string s) => s switch
    {
        ReviewQueue.Mine => "Ждут моего решения",
        ReviewQueue.Any => "Все статусы",
        _ => ReportStatus.Title(s),
    };
}
