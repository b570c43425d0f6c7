using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>A director proposes changes to their organisation's card; an analyst decides.</summary>
[Authorize(Policy = Policies.Director)]
public sealed class ProposeModel(EditableCard cards, RegistryProposals proposals, CurrentScope current, ICurrentActor actor) : PageModel
{
    public EditableCard.Card Card { get; private set; } = null!;
    public IReadOnlyDictionary<string, string?> Values { get; private set; } = new Dictionary<string, string?>();
    public IReadOnlyList<RegistryProblem> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var card = await cards.LoadAsync(current.Required, id, ct);
        if (card is null) return NotFound();
        (Card, Values) = (card, card.Fields);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var card = await cards.LoadAsync(current.Required, id, ct);
        if (card is null) return NotFound();
        Card = card;
        var outcome = await proposals.ProposeAsync(current.Required, id, c => Request.Form[c], actor.Actor, ct);
        if (outcome.Ok) return RedirectToPage("/Registry/Proposals", new { sent = outcome.Id });
        Problems = outcome.Problems;
        Values = EditableCard.Editable.ToDictionary(c => c, c => Request.Form.ContainsKey(c) ? Request.Form[c].ToString() : card.Fields[c]);
        return Page();
    }
}
