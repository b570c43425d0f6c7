using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>An administrator edits an organisation card; SaveOrganisation checks it as the import does.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class EditModel(EditableCard cards, SaveOrganisation save, CurrentScope current, ICurrentActor actor) : PageModel
{
    public EditableCard.Card Card { get; private set; } = null!;
    public IReadOnlyDictionary<string, string?> Values { get; private set; } = new Dictionary<string, string?>();
    public IReadOnlyList<RegistryProblem> Problems { get; private set; } = [];
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, bool saved = false, CancellationToken ct = default)
    {
        var card = await cards.LoadAsync(current.Required, id, ct);
        if (card is null) return NotFound();
        (Card, Values, Saved) = (card, card.Fields, saved);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var card = await cards.LoadAsync(current.Required, id, ct);
        if (card is null) return NotFound();
        Card = card;
        var changes = EditableCard.Changes(card, c => Request.Form[c]);
        if (changes.Count == 0) return RedirectToPage(new { id, saved = true });
        var fields = new Dictionary<string, string>(changes) { [RegistryColumns.EkisCode] = card.EkisCode };
        var result = await save.SaveAsync(new SaveOrganisation.Command(fields), actor.Actor, ct);
        if (result.Saved) return RedirectToPage(new { id, saved = true });
        Problems = result.Problems;
        Values = EditableCard.Editable.ToDictionary(c => c, c => Request.Form.ContainsKey(c) ? Request.Form[c].ToString() : card.Fields[c]);
        return Page();
    }
}
