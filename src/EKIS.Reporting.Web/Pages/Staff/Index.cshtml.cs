using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StaffSlice = EKIS.Reporting.Features.Accounts.Staff;

namespace EKIS.Reporting.Web.Pages.Staff;

[Authorize(Policy = Policies.Director)]
public sealed class IndexModel(StaffSlice staff, CurrentScope current, ICurrentActor actor) : PageModel
{
    public IReadOnlyList<StaffSlice.Employee> Employees { get; private set; } = [];
    public IReadOnlyList<string> Problems { get; private set; } = [];
    public string? Notice { get; private set; }
    public (string? FullName, string? Login, string? Email) Form { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        // Kept in TempData (an encrypted cookie), not the URL: the note may hold a password link.
        Notice = TempData["Notice"] as string;
        Employees = await staff.ListAsync(current.Required, ct);
    }

    public async Task<IActionResult> OnPostAsync(string? fullName, string? login, string? email, bool canFill, bool canSubmit, CancellationToken ct)
    {
        var (created, problems) = await staff.CreateEmployeeAsync(current.Required,
            new StaffSlice.NewEmployee(login ?? "", fullName ?? "", email, null, canFill, canSubmit),
            actor.Actor, current.ClientAddress, ct);
        if (created is null)
        {
            Problems = problems;
            Form = (fullName, login, email);
            Employees = await staff.ListAsync(current.Required, ct);
            return Page();
        }
        var note = created.MailedTo is not null
            ? $"Приглашение отправлено на {created.MailedTo}."
            : $"Электронная почта не указана — передайте сотруднику ссылку для установки пароля: {created.InvitationLink}";
        TempData["Notice"] = $"Сотрудник создан. {note}";
        return RedirectToPage();
    }
}
