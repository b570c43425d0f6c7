using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>Proposed changes in the role's scope: an analyst's queue, a director's own proposals.</summary>
public sealed class ProposalsModel(RegistryProposals proposals, CurrentScope current) : PageModel
{
    public IReadOnlyList<RegistryProposals.Proposal> Items { get; private set; } = [];
    public bool All { get; private set; }
    public long? Sent { get; private set; }
    public bool MayDecide => RegistryProposals.MayDecide(current.Required);

    public async Task OnGetAsync(bool all = false, long? sent = null, CancellationToken ct = default)
    {
        (All, Sent) = (all, sent);
        Items = await proposals.ListAsync(current.Required, pendingOnly: !all && MayDecide, ct);
    }

    public static string StatusTitle(string status) => status switch
    {
        "pending" => "на рассмотрении",
        "approved" => "принято",
        "rejected" => "отклонено",
        _ => status,
    };
}
