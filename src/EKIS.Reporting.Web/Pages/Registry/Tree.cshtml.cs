using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>Region → municipalities → organisations → branches, as far as the role's scope reaches.</summary>
public sealed class TreeModel(SearchRegistry search, CurrentScope current) : PageModel
{
    public ILookup<long?, SearchRegistry.Node> Children { get; private set; } = Array.Empty<SearchRegistry.Node>().ToLookup(n => n.ParentId);
    public IReadOnlyList<SearchRegistry.Node> Roots { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var nodes = await search.TreeAsync(current.Required, ct);
        var ids = nodes.Select(n => n.Id).ToHashSet();
        Children = nodes.ToLookup(n => n.ParentId);
        // A node whose parent is outside the scope is a root of what this role sees.
        Roots = nodes.Where(n => n.ParentId is null || !ids.Contains(n.ParentId.Value)).ToList();
    }
}
