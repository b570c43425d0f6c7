using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Mail;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EKIS.Reporting.Tests.Accounts;

public sealed class StaffTests : DatabaseTest
{
    protected override bool StartsFromDemo => true;

    private Staff _staff = null!;
    private string _pickup = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _pickup = Directory.CreateTempSubdirectory("ekis-mail-").FullName;
        var options = new MailOptions { PickupFolder = _pickup };
        var links = new PasswordLinks(Db, new Mailer(options, NullLogger<Mailer>.Instance), options);
        _staff = new Staff(Db, new Users(Db, links));
    }

    [TearDown]
    public void RemovePickup() => Directory.Delete(_pickup, true);

    private async Task<AccessScope> DirectorOfAsync(string code, string login)
    {
        var a = await TestAccounts.CreateAsync(Db, login, Roles.Director, await TestAccounts.UnitIdAsync(Db, code));
        return new AccessScope(a.UserId, login, a.AssignmentId, Roles.Director, await TestAccounts.UnitIdAsync(Db, code), null);
    }

    [Test]
    public async Task A_director_creates_an_employee_who_receives_an_invitation_and_the_chosen_rights()
    {
        var director = await DirectorOfAsync("200001", "dir-zar");
        var (created, problems) = await _staff.CreateEmployeeAsync(director,
            new Staff.NewEmployee("sidorova", "Сидорова Елена", "sidorova@school.example", null, CanFill: true, CanSubmit: true),
            Actor.User(director.UserId, "dir"), "127.0.0.1");

        Assert.That(problems, Is.Empty);
        Assert.That(created!.MailedTo, Is.EqualTo("sidorova@school.example"));
        Assert.That(Directory.GetFiles(_pickup, "*.eml"), Has.Length.EqualTo(1));
        var employees = await _staff.ListAsync(director);
        Assert.That(employees.Select(e => (e.Login, e.CanFill, e.CanSubmit)), Is.EqualTo(new[] { ("sidorova", true, true) }));
        Assert.That(await ScalarAsync<string>("SELECT granted_by FROM ekis.role_assignment a JOIN ekis.app_user u ON u.id = a.user_id WHERE u.login = 'sidorova'"),
            Is.EqualTo($"user:{director.UserId}"));
    }

    [Test]
    public async Task A_director_cannot_see_change_or_end_another_schools_employee()
    {
        var mine = await DirectorOfAsync("200001", "dir-zar");
        var other = await DirectorOfAsync("300001", "dir-ozr");
        var (created, _) = await _staff.CreateEmployeeAsync(mine, new Staff.NewEmployee("emp-zar", "Сотрудник", null, null, true, false), Actor.Cli, null);
        var assignment = (await _staff.ListAsync(mine)).Single().AssignmentId;

        Assert.That(await _staff.FindAsync(other, assignment), Is.Null);
        Assert.That(await _staff.SetRightsAsync(other, assignment, true, true, Actor.Cli, null), Is.False);
        Assert.That(await _staff.TerminateAsync(other, assignment, Actor.Cli, null), Is.False);
        Assert.That((await _staff.ListAsync(mine)).Single().CanSubmit, Is.False, "nothing changed");
        Assert.That(created!.InvitationLink, Does.Contain("/Account/SetPassword?token="));
    }

    [Test]
    public async Task A_director_can_place_an_employee_on_their_branch_but_not_on_another_school()
    {
        var director = await DirectorOfAsync("200001", "dir-zar");
        var branch = await TestAccounts.UnitIdAsync(Db, "200001-01");
        var foreign = await TestAccounts.UnitIdAsync(Db, "300001");
        var (onBranch, _) = await _staff.CreateEmployeeAsync(director, new Staff.NewEmployee("emp-branch", "Сотрудник филиала", null, branch, true, false), Actor.Cli, null);
        var (elsewhere, problems) = await _staff.CreateEmployeeAsync(director, new Staff.NewEmployee("emp-foreign", "Чужой", null, foreign, true, false), Actor.Cli, null);
        Assert.That(onBranch, Is.Not.Null);
        Assert.That(elsewhere, Is.Null);
        Assert.That(problems, Has.Some.Contains("вне вашей зоны"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.app_user WHERE login = 'emp-foreign'"), Is.Zero, "nothing half-written");
    }
}
