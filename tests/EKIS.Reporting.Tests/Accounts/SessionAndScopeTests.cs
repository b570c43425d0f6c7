using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Mail;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EKIS.Reporting.Tests.Accounts;

public sealed class SessionAndScopeTests : DatabaseTest
{
    protected override bool StartsFromDemo => true;

    private Users _users = null!;

    [SetUp]
    public async Task SeedAsync()
    {
        var options = new MailOptions { PickupFolder = Path.Combine(TestDatabase.StateFolder, "mail") };
        _users = new Users(Db, new PasswordLinks(Db, new Mailer(options, NullLogger<Mailer>.Instance), options));
    }

    private static async Task<Guid> StampAsync(long userId) => Guid.Parse((await ScalarAsync<string>("SELECT security_stamp::text FROM ekis.app_user WHERE id = $1", userId))!);

    [Test]
    public async Task A_terminated_assignment_no_longer_validates_a_session()
    {
        var a = await TestAccounts.CreateAsync(Db, "emp1", Roles.Employee, await TestAccounts.UnitIdAsync(Db, "100001"));
        var sessions = new Sessions(Db);
        var stamp = await StampAsync(a.UserId);
        var session = await sessions.StartAsync(a.UserId, persistent: false, null);
        Assert.That(await sessions.ValidateAsync(a.UserId, stamp, session, a.AssignmentId), Is.Not.Null);

        Assert.That(await _users.TerminateAsync(a.AssignmentId, null, Actor.Cli, null), Is.True);
        Assert.That(await sessions.ValidateAsync(a.UserId, stamp, session, a.AssignmentId), Is.Null);
        Assert.That(await ScalarAsync<string>("SELECT terminated_by FROM ekis.role_assignment WHERE id = $1", a.AssignmentId), Is.EqualTo("system:cli"));
    }

    [Test]
    public async Task Deactivation_and_a_password_change_end_existing_sessions()
    {
        var a = await TestAccounts.CreateAsync(Db, "dir1", Roles.Director, await TestAccounts.UnitIdAsync(Db, "100002"));
        var sessions = new Sessions(Db);
        var stamp = await StampAsync(a.UserId);
        var session = await sessions.StartAsync(a.UserId, persistent: true, null);

        var changed = await new PasswordChange(Db).ChangeAsync(a.UserId, TestAccounts.Password, "Novyi-parol-2026", null);
        Assert.That(changed.Error, Is.Null);
        Assert.That(await sessions.ValidateAsync(a.UserId, stamp, session, a.AssignmentId), Is.Null, "the old stamp is refused");
        Assert.That(await sessions.ValidateAsync(a.UserId, changed.NewStamp!.Value, session, a.AssignmentId), Is.Not.Null);

        await _users.DeactivateAsync(a.UserId, Actor.Cli, null);
        Assert.That(await sessions.ValidateAsync(a.UserId, await StampAsync(a.UserId), session, a.AssignmentId), Is.Null);
        Assert.That(await ScalarAsync<string>("SELECT created_by FROM ekis.app_user WHERE id = $1", a.UserId), Is.EqualTo("system:tests"), "authorship is kept");
    }

    [Test]
    public async Task An_ended_or_outlived_session_no_longer_validates_and_the_others_still_do()
    {
        var a = await TestAccounts.CreateAsync(Db, "dir1", Roles.Director, await TestAccounts.UnitIdAsync(Db, "100002"));
        var sessions = new Sessions(Db);
        var stamp = await StampAsync(a.UserId);
        var here = await sessions.StartAsync(a.UserId, persistent: false, "10.0.0.1");
        var there = await sessions.StartAsync(a.UserId, persistent: true, "10.0.0.2");
        var old = await sessions.StartAsync(a.UserId, persistent: true, "10.0.0.3");
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.user_session SET created_at = now() - $2 - interval '1 minute' WHERE id = $1", old, Sessions.MaxLifetime);

        Assert.That(await sessions.EndAsync(a.UserId, here, everywhere: false), Is.EqualTo(1));
        Assert.Multiple(async () =>
        {
            Assert.That(await sessions.ValidateAsync(a.UserId, stamp, here, a.AssignmentId), Is.Null, "signed out");
            Assert.That(await sessions.IsCurrentAsync(a.UserId, stamp, here), Is.False);
            Assert.That(await sessions.ValidateAsync(a.UserId, stamp, old, a.AssignmentId), Is.Null, "older than the longest session");
            Assert.That(await sessions.ValidateAsync(a.UserId, stamp, there, a.AssignmentId), Is.Not.Null, "another browser stays signed in");
            Assert.That(await sessions.ValidateAsync(a.UserId, stamp, Guid.NewGuid(), a.AssignmentId), Is.Null, "an unknown session");
        });

        var someoneElse = await TestAccounts.CreateAsync(Db, "dir2", Roles.Director, await TestAccounts.UnitIdAsync(Db, "100002"));
        Assert.That(await sessions.ValidateAsync(someoneElse.UserId, await StampAsync(someoneElse.UserId), there, someoneElse.AssignmentId), Is.Null,
            "a session belongs to its person");

        await sessions.StartAsync(a.UserId, persistent: false, null);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.user_session WHERE user_id = $1", a.UserId), Is.EqualTo(2),
            "a sign-in clears the person's ended and outlived sessions away");
    }

    private async Task<HashSet<string>> CodesInScopeAsync(string role, string? unitCode)
    {
        long? unit = unitCode is null ? null : await TestAccounts.UnitIdAsync(Db, unitCode);
        var scope = new AccessScope(1, "x", 1, role, unit, null);
        var ids = await new ScopeService(Db).UnitsAsync(scope);
        await using var conn = await Db.OpenConnectionAsync();
        var codes = new HashSet<string>();
        foreach (var id in ids)
            codes.Add((await ScalarAsync<string>("SELECT ekis_code FROM ekis.org_unit WHERE id = $1", id))!);
        return codes;
    }

    [Test]
    public async Task A_director_sees_their_organisation_and_its_branches_only()
    {
        Assert.That(await CodesInScopeAsync(Roles.Director, "200001"), Is.EquivalentTo(new[] { "200001", "200001-01" }));
        Assert.That(await CodesInScopeAsync(Roles.Employee, "100001"), Is.EquivalentTo(new[] { "100001" }));
    }

    [Test]
    public async Task A_role_on_a_branch_covers_only_that_branch()
    {
        Assert.That(await CodesInScopeAsync(Roles.Director, "200001-01"), Is.EquivalentTo(new[] { "200001-01" }));
    }

    [Test]
    public async Task An_operator_sees_their_municipality_and_an_analyst_the_whole_region()
    {
        var zar = await CodesInScopeAsync(Roles.MunicipalOperator, "M-ZAR");
        Assert.That(zar, Is.EquivalentTo(new[] { "M-ZAR", "200001", "200001-01", "200002" }));
        var region = await CodesInScopeAsync(Roles.RegionalAnalyst, "R-DEMO");
        var admin = await CodesInScopeAsync(Roles.Admin, null);
        Assert.That(region, Has.Count.EqualTo(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit")));
        Assert.That(admin, Is.EquivalentTo(region));
    }

    [Test]
    public async Task An_analyst_cannot_grant_administrator_or_analyst_roles()
    {
        var analyst = new AccessScope(1, "x", 1, Roles.RegionalAnalyst, await TestAccounts.UnitIdAsync(Db, "R-DEMO"), null);
        var target = await TestAccounts.CreateAsync(Db, "someone", Roles.Director, await TestAccounts.UnitIdAsync(Db, "100002"));
        Assert.That(await _users.GrantAsync(target.UserId, Roles.Admin, null, analyst, Actor.Cli, null), Is.Not.Null);
        Assert.That(await _users.GrantAsync(target.UserId, Roles.RegionalAnalyst, await TestAccounts.UnitIdAsync(Db, "R-DEMO"), analyst, Actor.Cli, null), Is.Not.Null);
        Assert.That(await _users.GrantAsync(target.UserId, Roles.MunicipalOperator, await TestAccounts.UnitIdAsync(Db, "M-OZR"), analyst, Actor.Cli, null), Is.Null);
    }

    [Test]
    public async Task A_role_must_sit_on_a_unit_of_its_level()
    {
        var target = await TestAccounts.CreateAsync(Db, "someone", Roles.Director, await TestAccounts.UnitIdAsync(Db, "100002"));
        Assert.That(await _users.GrantAsync(target.UserId, Roles.MunicipalOperator, await TestAccounts.UnitIdAsync(Db, "100001"), null, Actor.Cli, null),
            Does.Contain("муниципалитет"));
        Assert.That(await _users.GrantAsync(target.UserId, Roles.Director, await TestAccounts.UnitIdAsync(Db, "M-SEV"), null, Actor.Cli, null),
            Does.Contain("организацию или филиал"));
    }
}
