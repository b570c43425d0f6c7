using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>One proposal with its diff; a regional analyst or an administrator approves or rejects it.</summary>
public sealed class ProposalModel(RegistryProposals proposals, CurrentScope current, ICurrentActor actor) : PageModel
{
    public RegistryProposals.Proposal Proposal { get; private set; } = null!;
    public IReadOnlyList<RegistryProblem> Problems { get; private set; } = [];
    public bool MayDecide => RegistryProposals.MayDecide(current.Required);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await ShowAsync(id, ct);

    public Task<IActionResult> OnPostApproveAsync(long id, string? comment, CancellationToken ct) =>
        DecideAsync(id, () => proposals.ApproveAsync(current.Required, id, comment, actor.Actor, ct), ct);

    public Task<IActionResult> OnPostRejectAsync(long id, string? comment, CancellationToken ct) =>
        DecideAsync(id, () => proposals.RejectAsync(current.Required, id, comment, actor.Actor, ct), ct);

    private async Task<IActionResult> DecideAsync(long id, Func<Task<RegistryProposals.Outcome>> decide, CancellationToken ct)
    {
        if (await proposals.GetAsync(current.Required, id, ct) is null) return NotFound();
        if (!MayDecide) return Forbid();
        var outcome = await decide();
        if (outcome.Ok) return RedirectToPage(new { id });
        Problems = outcome.Problems;
        return await ShowAsync(id, ct);
    }

    private async Task<IActionResult> ShowAsync(long id, CancellationToken ct)
    {
        var p = await proposals.GetAsync(current.Required, id, ct);
        if (p is null) return NotFound();
        Proposal = p;
        return Page();
    }
}
