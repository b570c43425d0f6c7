using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using static EKIS.Reporting.Tests.Registry.RegistryTestData;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>
/// Issue 4: a single card save checks uniqueness and the parent against the part of the registry the
/// card can touch (RegistrySnapshot.LoadForAsync) instead of the whole registry, and still finds every
/// conflict the whole-registry check finds — including ones with units the card does not name.
/// </summary>
public sealed class SingleCardSaveTests : DatabaseTest
{
    [SetUp]
    public Task CreateRegionAsync() => RegistryTestData.CreateRegionAsync(Db);

    private static SaveOrganisation Save => new(Db);

    [Test]
    public async Task The_snapshot_of_one_card_holds_its_parent_its_branches_and_units_sharing_its_identifiers_but_not_the_rest()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        var branch = await AnOrganisation().BranchOf(school).SaveAsync(Db);
        var sharesOkpo = AnOrganisation().InMunicipality("M2");
        await sharesOkpo.SaveAsync(Db);
        var okpo = (await ScalarAsync<string>("SELECT okpo FROM ekis.org_unit WHERE ekis_code = $1", sharesOkpo.Code))!;
        var unrelated = new List<string>();
        for (var i = 0; i < 5; i++) unrelated.Add((await AnOrganisation().SaveAsync(Db)).Code);

        await using var conn = await Db.OpenConnectionAsync();
        var row = new RegistryRow(0, new Dictionary<string, string> { ["ekis_code"] = branch.Code, ["okpo"] = okpo });
        var snapshot = await RegistrySnapshot.LoadForAsync(conn, null, row, CancellationToken.None);
        var whole = await RegistrySnapshot.LoadAsync(conn, null, CancellationToken.None);

        var codes = snapshot.Units.Select(u => u.Fields["ekis_code"]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(codes, Is.SupersetOf(new[] { "R", "M1", "M2", school.Code, branch.Code, sharesOkpo.Code }));
            Assert.That(codes.Intersect(unrelated), Is.Empty);
            Assert.That(whole.Units.Select(u => u.Fields["ekis_code"]), Is.SupersetOf(unrelated), "the import still plans against everything");
        });
    }

    [Test]
    public async Task Editing_a_branch_kpp_to_its_siblings_is_refused_though_the_card_names_neither_inn_nor_sibling()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        var first = await AnOrganisation().BranchOf(school, kpp: "500102001").SaveAsync(Db);
        var second = await AnOrganisation().BranchOf(school, kpp: "500103001").SaveAsync(Db);

        var result = await Save.SaveAsync(new SaveOrganisation.Command(new Dictionary<string, string>
        {
            ["ekis_code"] = second.Code, ["kpp"] = "500102001",
        }), Actor.Cli);

        Assert.That(result.Problems.Select(p => p.Column), Is.EqualTo(new[] { "kpp" }));
        Assert.That(result.Problems[0].Message, Does.Contain("ИНН + КПП").And.Contain(first.Code));
        Assert.That(await ScalarAsync<string>("SELECT kpp FROM ekis.org_unit WHERE ekis_code = $1", second.Code), Is.EqualTo("500103001"));
    }

    [Test]
    public async Task An_organisation_with_branches_cannot_become_a_branch_through_its_card()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        await AnOrganisation().BranchOf(school).SaveAsync(Db);
        var other = await AnOrganisation().SaveAsync(Db);

        var result = await Save.SaveAsync(new SaveOrganisation.Command(new Dictionary<string, string>
        {
            ["ekis_code"] = school.Code, ["parent_ekis_code"] = other.Code, ["inn"] = other.Inn,
        }), Actor.Cli);

        Assert.That(result.Problems.Select(p => p.Message), Has.Some.Contains("есть филиалы"));
        Assert.That(await ScalarAsync<string>("SELECT level FROM ekis.org_unit WHERE ekis_code = $1", school.Code), Is.EqualTo("organisation"));
    }

    [Test]
    public async Task A_new_card_is_placed_by_municipality_name_and_its_okpo_is_checked_against_another_municipality()
    {
        var elsewhere = AnOrganisation().InMunicipality("M2");
        await elsewhere.SaveAsync(Db);
        var okpo = (await ScalarAsync<string>("SELECT okpo FROM ekis.org_unit WHERE ekis_code = $1", elsewhere.Code))!;

        var taken = await Save.SaveAsync(new SaveOrganisation.Command(AnOrganisation().InMunicipality("Северный").With("okpo", okpo).Build()), Actor.Cli);
        var fresh = AnOrganisation().InMunicipality("Городской округ Северный");
        var saved = await Save.SaveAsync(new SaveOrganisation.Command(fresh.Build()), Actor.Cli);

        Assert.That(taken.Problems.Single().Message, Does.Contain("ОКПО").And.Contain(elsewhere.Code));
        Assert.That(saved.Problems, Is.Empty);
        Assert.That(await ScalarAsync<string>(
            "SELECT m.ekis_code FROM ekis.org_unit u JOIN ekis.org_unit m ON m.id = u.parent_id WHERE u.ekis_code = $1", fresh.Code), Is.EqualTo("M1"));
    }
}
