using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using UsersSlice = EKIS.Reporting.Features.Accounts.Users;

namespace EKIS.Reporting.Web.Pages.Admin.Users;

/// <summary>
/// One account. Analysts manage directors, employees and operators but not administrators or other
/// analysts: such an account is "not found" for them, for reading and for writing.
/// </summary>
[Authorize(Policy = Policies.ManageUsers)]
public sealed class EditModel(UsersSlice users, PasswordLinks links, EKIS.Reporting.Features.Registry.ScopedUnits units, CurrentScope current, ICurrentActor actor) : PageModel
{
    public UsersSlice.Details Details { get; private set; } = null!;
    public AccessScope Scope => current.Required;
    public string? Note { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } notFound) return notFound;
        // Messages travel in TempData (an encrypted cookie), not the URL: they may hold a password link.
        (Note, Problem) = (TempData["Note"] as string, TempData["Problem"] as string);
        return Page();
    }

    private RedirectToPageResult Back(long id, string? note = null, string? problem = null)
    {
        TempData["Note"] = note;
        TempData["Problem"] = problem;
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostGrantAsync(long id, string? role, string? unitCode, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } notFound) return notFound;
        var unitId = role == Roles.Admin ? null : await units.IdByCodeAsync(unitCode, ct);
        var problem = await users.GrantAsync(id, role ?? "", unitId, Scope, actor.Actor, current.ClientAddress, ct);
        return Back(id, problem is null ? "Роль назначена." : null, problem);
    }

    public async Task<IActionResult> OnPostTerminateAsync(long id, long assignmentId, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } notFound) return notFound;
        if (Details.Assignments.All(a => a.Id != assignmentId)) return NotFound();
        var ok = await users.TerminateAsync(assignmentId, Scope, actor.Actor, current.ClientAddress, ct);
        return ok ? Back(id, "Роль прекращена.") : NotFound();
    }

    public async Task<IActionResult> OnPostDeactivateAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } notFound) return notFound;
        if (id == Scope.UserId) return Back(id, problem: "Нельзя отключить собственный личный кабинет.");
        await users.DeactivateAsync(id, actor.Actor, current.ClientAddress, ct);
        return Back(id, "Личный кабинет отключён; доступ прекращён сразу.");
    }

    public async Task<IActionResult> OnPostInviteAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } notFound) return notFound;
        var issued = await links.SendInvitationAsync(id, actor.Actor.Key, ct);
        return Back(id, issued.MailedTo is not null ? $"Ссылка отправлена на {issued.MailedTo}." : $"Передайте ссылку: {issued.Link}");
    }

    /// <summary>Loads the account, or returns 404 when it does not exist or lies outside what this role may manage.</summary>
    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        var details = await users.GetAsync(id, ct);
        if (details is null) return NotFound();
        var manageable = Scope.IsAdmin || details.Assignments.Where(a => a.Status == "active").All(a => UsersSlice.GrantProblem(Scope, a.Role) is null);
        if (!manageable) return NotFound();
        Details = details;
        return null;
    }
}
