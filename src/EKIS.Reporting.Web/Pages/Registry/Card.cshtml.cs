using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>The organisation card with its history; a unit outside the role's scope is not found.</summary>
public sealed class CardModel(ScopedUnits units, OrganisationHistory history, CurrentScope current) : PageModel
{
    public ScopedUnits.Card Card { get; private set; } = null!;
    public IReadOnlyList<OrganisationHistory.Change> History { get; private set; } = [];
    public bool CanEdit => current.Required.IsAdmin;
    /// <summary>Move, close and merge: administrators, as the card edit; not for a closed unit.</summary>
    public bool CanReorganise => current.Required.IsAdmin && Card.Status != "closed";
    public string Done { get; private set; } = "";
    public bool CanPropose => current.Required.Role == EKIS.Reporting.Features.Access.Roles.Director && current.Required.OrgUnitId == Card.Id;

    public async Task<IActionResult> OnGetAsync(long id, string? done, CancellationToken ct)
    {
        Done = ReorganisationForm.Done(done);
        var card = await units.GetAsync(current.Required, id, ct);
        if (card is null) return NotFound();
        Card = card;
        History = await history.ForAsync(card.EkisCode, ct);
        return Page();
    }
}
