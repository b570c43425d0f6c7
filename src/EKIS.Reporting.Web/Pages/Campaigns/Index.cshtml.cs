using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Web.Infrastructure.Auth;
using EKIS.Reporting.Web.Pages.Review;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Campaigns;

/// <summary>«Кампании»: every campaign the role sees with its counts, sorted and paged.</summary>
[Authorize(Roles = ReviewDisplay.Reviewers)]
public sealed class IndexModel(CampaignList list, CurrentScope current) : PageModel
{
    public CampaignList.Page Result { get; private set; } = new([], 0, 1, 25);
    public CampaignList.Query Query { get; private set; } = new();
    public bool CanManage { get; private set; }

    [TempData] public string? Message { get; set; }

    public async Task OnGetAsync(string? sort, bool? desc, [FromQuery(Name = "page")] int page = 1, CancellationToken ct = default)
    {
        var scope = current.Required;
        CanManage = scope.IsRegional;
        sort = sort is not null && CampaignList.SortKeys.Contains(sort) ? sort : "due";
        Query = new CampaignList.Query(sort, desc ?? sort == "due", page);
        Result = await list.PageAsync(scope, Query, ct);
    }

    /// <summary>A column header link: sorts by the column, the second click reverses.</summary>
    public string SortUrl(string key) =>
        $"/Campaigns?sort={key}&desc={(Query.Sort == key ? !Query.Descending : key is "due" or "expected" or "submitted" or "returned" or "accepted").ToString().ToLowerInvariant()}";

    public string SortMark(string key) => Query.Sort != key ? "" : Query.Descending ? " ▼" : " ▲";

    public IDictionary<string, string?> Filters => new Dictionary<string, string?>
    {
        ["sort"] = Query.Sort,
        ["desc"] = Query.Descending.ToString().ToLowerInvariant(),
    };
}
