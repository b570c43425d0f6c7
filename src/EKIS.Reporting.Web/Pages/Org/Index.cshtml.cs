using Microsoft.AspNetCore.Mvc;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Org;

public sealed class IndexModel(ScopedUnits units, CurrentScope current) : PageModel
{
    public AccessScope Scope { get; private set; } = null!;
    public ScopedUnits.Page Units { get; private set; } = new([], 0, 1, 50);
    public string? Search { get; private set; }

    public async Task OnGetAsync(string? q, [FromQuery(Name = "page")] int page = 1, CancellationToken ct = default)
    {
        Scope = current.Required;
        Search = q;
        Units = await units.ListAsync(Scope, q, page, 50, ct);
    }
}
