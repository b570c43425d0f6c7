using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

public sealed class IndexModel(SearchRegistry search, CurrentScope current) : PageModel
{
    public SearchRegistry.Query Query { get; private set; } = new();
    public SearchRegistry.Result Result { get; private set; } = new([], 0, 1, 50);
    public IReadOnlyList<SearchRegistry.Option> Municipalities { get; private set; } = [];
    public IReadOnlyList<SearchRegistry.Option> Groups { get; private set; } = [];

    public async Task OnGetAsync(string? q, long? municipality, string? kind, string? status, long? group, [FromQuery(Name = "page")] int page = 1, CancellationToken ct = default)
    {
        var scope = current.Required;
        // Unknown filter values are ignored rather than answered with an error: they come from the URL.
        if (kind is not null && SearchRegistry.Kinds.All(k => k.Key != kind)) kind = null;
        if (status is not null && SearchRegistry.Statuses.All(s => s.Key != status)) status = null;
        Query = new SearchRegistry.Query(q, municipality, kind, status, group, page, 50);
        Result = await search.RunAsync(scope, Query, ct);
        Municipalities = await search.MunicipalitiesAsync(scope, ct);
        Groups = await search.GroupsAsync(ct);
    }

    public IDictionary<string, string?> Filters => new Dictionary<string, string?>
    {
        ["q"] = Query.Search,
        ["municipality"] = Query.MunicipalityId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["kind"] = Query.Kind,
        ["status"] = Query.Status,
        ["group"] = Query.GroupId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
