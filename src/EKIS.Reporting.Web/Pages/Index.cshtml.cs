using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages;

public sealed class IndexModel(RegionOverview overview, CurrentScope current) : PageModel
{
    public RegionOverview.Result Overview { get; private set; } = new(null, []);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var scope = current.Required;
        // A school's cabinet opens on its own organisation.
        if (scope.IsSchool && scope.OrgUnitId is not null)
            return RedirectToPage("/Org/Card", new { id = scope.OrgUnitId });
        Overview = await overview.GetAsync(scope, ct);
        return Page();
    }
}
