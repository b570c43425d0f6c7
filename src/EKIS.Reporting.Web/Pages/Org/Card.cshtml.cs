using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Org;

public sealed class CardModel(ScopedUnits units, CurrentScope current) : PageModel
{
    public ScopedUnits.Card Card { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var card = await units.GetAsync(current.Required, id, ct);
        if (card is null) return NotFound();
        Card = card;
        return Page();
    }
}
