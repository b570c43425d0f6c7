using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>A report is judged by the hierarchy on its reference date: moving a school does not take its past away.</summary>
public sealed class ScopeAsOfDateTests : DatabaseTest
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.Today);

    private async Task<AccessScope> ScopeAsync(string role, string? unitCode) =>
        new(1, "x", 1, role, unitCode is null ? null : await TestAccounts.UnitIdAsync(Db, unitCode), null);

    [Test]
    public async Task A_moved_school_stays_with_its_old_municipality_for_dates_before_the_move()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var moveDate = Today.AddDays(1);
        var moved = await new ReorganiseOrganisation(Db).MoveAsync("100001", "M-OZR", moveDate, Actor.Cli);
        Assert.That(moved.Problem, Is.Null);

        var scope = new ScopeService(Db);
        var school = await TestAccounts.UnitIdAsync(Db, "100001");
        var sev = await ScopeAsync(Roles.MunicipalOperator, "M-SEV");
        var ozr = await ScopeAsync(Roles.MunicipalOperator, "M-OZR");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await scope.CoversOnAsync(sev, school, Today), Is.True, "before the move: Северный");
            Assert.That(await scope.CoversOnAsync(ozr, school, Today), Is.False);
            Assert.That(await scope.CoversOnAsync(sev, school, moveDate), Is.False, "from the move on: Озёрск");
            Assert.That(await scope.CoversOnAsync(ozr, school, moveDate), Is.True);
            Assert.That(await scope.CoversOnAsync(await ScopeAsync(Roles.RegionalAnalyst, "R-DEMO"), school, Today), Is.True);
            Assert.That(await scope.CoversOnAsync(await ScopeAsync(Roles.Admin, null), school, Today), Is.True);
        });
    }

    [Test]
    public async Task School_roles_cover_their_unit_and_its_branches_on_a_date_and_nothing_before_it_existed()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var scope = new ScopeService(Db);
        var director = await ScopeAsync(Roles.Director, "200001");
        var onBranch = await ScopeAsync(Roles.Director, "200001-01");
        var branch = await TestAccounts.UnitIdAsync(Db, "200001-01");
        var school = await TestAccounts.UnitIdAsync(Db, "200001");
        var other = await TestAccounts.UnitIdAsync(Db, "200002");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await scope.CoversOnAsync(director, school, Today), Is.True);
            Assert.That(await scope.CoversOnAsync(director, branch, Today), Is.True);
            Assert.That(await scope.CoversOnAsync(director, other, Today), Is.False);
            Assert.That(await scope.CoversOnAsync(onBranch, school, Today), Is.False, "a role on a branch does not reach the parent");
            Assert.That(await scope.CoversOnAsync(await ScopeAsync(Roles.Admin, null), 999_999_999, Today), Is.False, "a unit that never existed");
        });
    }
    [Test]
    public async Task A_school_opened_after_the_date_is_judged_by_todays_tree()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var save = await new SaveOrganisation(Db).SaveAsync(new SaveOrganisation.Command(new Dictionary<string, string>
        {
            ["ekis_code"] = "100901", ["name"] = "Новая школа", ["kind"] = "general", ["municipality"] = "M-SEV",
            ["opened_on"] = Today.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture),
        }), Actor.Cli);
        Assert.That(save.Problems, Is.Empty);
        var school = await TestAccounts.UnitIdAsync(Db, "100901");
        var before = Today.AddDays(-60);
        var scope = new ScopeService(Db);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await scope.CoversOnAsync(await ScopeAsync(Roles.Director, "100901"), school, before), Is.True, "its own director");
            Assert.That(await scope.CoversOnAsync(await ScopeAsync(Roles.MunicipalOperator, "M-SEV"), school, before), Is.True, "today's municipality");
            Assert.That(await scope.CoversOnAsync(await ScopeAsync(Roles.MunicipalOperator, "M-OZR"), school, before), Is.False);
            Assert.That(await scope.CoversOnAsync(await ScopeAsync(Roles.Director, "100001"), school, before), Is.False, "another school's director");
        });
    }
}
