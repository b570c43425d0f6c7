using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using UsersSlice = EKIS.Reporting.Features.Accounts.Users;

namespace EKIS.Reporting.Web.Pages.Admin.Users;

[Authorize(Policy = Policies.ManageUsers)]
public sealed class CreateModel(UsersSlice users, EKIS.Reporting.Features.Registry.ScopedUnits units, CurrentScope current, ICurrentActor actor) : PageModel
{
    public IReadOnlyList<string> Problems { get; private set; } = [];
    public string? FullName { get; private set; }
    public string? Login { get; private set; }
    public string? Email { get; private set; }
    public string? Role { get; private set; }
    public string? UnitCode { get; private set; }
    public IReadOnlyList<string> GrantableRoles => Roles.All.Where(r => UsersSlice.GrantProblem(current.Required, r) is null).ToList();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? fullName, string? login, string? email, string? role, string? unitCode, CancellationToken ct)
    {
        (FullName, Login, Email, Role, UnitCode) = (fullName, login, email, role, unitCode);
        var problems = new List<string>();
        if (role is null || UsersSlice.GrantProblem(current.Required, role) is not null) { problems.Add("Выберите роль, которую вам разрешено назначать."); }
        long? unitId = null;
        if (role is not null && role != Roles.Admin)
        {
            unitId = await units.IdByCodeAsync(unitCode, ct);
            if (unitId is null) problems.Add("Организация с таким кодом ЕКИС не найдена.");
        }
        if (problems.Count > 0) { Problems = problems; return Page(); }

        var (created, createProblems) = await users.CreateAsync(new UsersSlice.NewUser(login ?? "", fullName ?? "", email, null), actor.Actor, ct);
        if (created is null) { Problems = createProblems; return Page(); }
        var grantProblem = await users.GrantAsync(created.UserId, role!, unitId, current.Required, actor.Actor, current.ClientAddress, ct);
        var note = grantProblem ?? (created.MailedTo is not null
            ? $"Приглашение отправлено на {created.MailedTo}."
            : $"Передайте ссылку для установки пароля: {created.InvitationLink}");
        TempData[grantProblem is null ? "Note" : "Problem"] = note;
        return RedirectToPage("/Admin/Users/Edit", new { id = created.UserId });
    }
}
