using Microsoft.AspNetCore.Mvc;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using UsersSlice = EKIS.Reporting.Features.Accounts.Users;

namespace EKIS.Reporting.Web.Pages.Admin.Users;

[Authorize(Policy = Policies.ManageUsers)]
public sealed class IndexModel(UsersSlice users) : PageModel
{
    public UsersSlice.Page Users { get; private set; } = new([], 0, 1, 25);
    public string? Search { get; private set; }
    public string Sort { get; private set; } = "login";
    public bool Desc { get; private set; }

    public async Task OnGetAsync(string? q, string? sort, bool desc, [FromQuery(Name = "page")] int page = 1, CancellationToken ct = default)
    {
        Search = q;
        Sort = sort is not null && UsersSlice.SortColumns.ContainsKey(sort) ? sort : "login";
        Desc = desc;
        Users = await users.ListAsync(q, Sort, desc, page, 25, ct);
    }
}
