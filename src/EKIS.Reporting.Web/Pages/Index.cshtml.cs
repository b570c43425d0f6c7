using EKIS.Reporting.Features.Registry;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages;

public sealed class IndexModel(RegionOverview overview) : PageModel
{
    public RegionOverview.Result Overview { get; private set; } = new(null, []);

    public async Task OnGetAsync(CancellationToken ct) => Overview = await overview.GetAsync(ct);
}
