using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Registry;

public sealed class DemoRegistryTests : DatabaseTest
{
    private sealed record Respondent(string Code, string Level, string? Kind, string Inn, string Kpp, string Ogrn, string Okpo, string? Oktmo, string? Director, string? Email);

    private static async Task<List<Respondent>> RespondentsAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "SELECT ekis_code, level, kind, inn, kpp, ogrn, okpo, oktmo, director, email FROM ekis.org_unit WHERE level IN ('organisation', 'branch')", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<Respondent>();
        while (await reader.ReadAsync())
        {
            string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            list.Add(new Respondent(reader.GetString(0), reader.GetString(1), S(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), S(7), S(8), S(9)));
        }
        return list;
    }

    [Test]
    public async Task Every_demo_respondent_has_identifiers_that_pass_their_checks()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var respondents = await RespondentsAsync();
        foreach (var r in respondents)
        {
            Assert.Multiple(() =>
            {
                Assert.That(Identifiers.CheckOrganisationInn(r.Inn), Is.Null, r.Code);
                Assert.That(Identifiers.CheckKpp(r.Kpp), Is.Null, r.Code);
                Assert.That(Identifiers.CheckOgrn(r.Ogrn), Is.Null, r.Code);
                Assert.That(Identifiers.CheckOkpo(r.Okpo), Is.Null, r.Code);
                Assert.That(r.Oktmo is null ? "нет ОКТМО" : Identifiers.CheckOktmo(r.Oktmo), Is.Null, r.Code);
            });
        }
        Assert.That(respondents, Has.Count.EqualTo(8 + 300 + 50));
    }

    [Test]
    public async Task The_demo_region_has_ten_municipalities_and_three_hundred_organisations_of_every_kind_with_unique_identifiers()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var respondents = await RespondentsAsync();
        var organisations = respondents.Where(r => r.Level == "organisation").ToList();
        var branches = respondents.Where(r => r.Level == "branch").ToList();
        var generated = respondents.Where(r => r.Director is not null).ToList();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE level = 'municipality'"), Is.GreaterThanOrEqualTo(10));
            Assert.That(organisations, Has.Count.GreaterThanOrEqualTo(300));
            Assert.That(branches, Has.Count.GreaterThan(10));
            Assert.That(organisations.Select(o => o.Kind).Distinct(),
                Is.EquivalentTo(new[] { "preschool", "general", "additional", "vocational", "other" }));
            Assert.That(branches.Select(o => o.Kind).Distinct().Count(), Is.GreaterThanOrEqualTo(3), "branches of several kinds");
            Assert.That(respondents.Select(r => (r.Inn, r.Kpp)).Distinct().Count(), Is.EqualTo(respondents.Count), "ИНН + КПП");
            Assert.That(respondents.Select(r => r.Okpo).Distinct().Count(), Is.EqualTo(respondents.Count), "ОКПО");
            Assert.That(generated.Select(r => r.Kpp).Distinct().Count(), Is.EqualTo(generated.Count), "КПП");
            Assert.That(organisations.Select(r => r.Inn).Distinct().Count(), Is.EqualTo(organisations.Count), "ИНН");
            Assert.That(organisations.Select(r => r.Ogrn).Distinct().Count(), Is.EqualTo(organisations.Count), "ОГРН");
            Assert.That(generated, Has.Count.EqualTo(350));
            Assert.That(generated.Select(r => r.Oktmo).Distinct().Count(), Is.EqualTo(generated.Count), "ОКТМО of each settlement");
            Assert.That(generated.Select(r => r.Email).Distinct().Count(), Is.EqualTo(generated.Count), "e-mail");
            Assert.That(generated.All(r => r.Email!.Contains('@', StringComparison.Ordinal)));
            Assert.That(generated.All(r => r.Director!.Split(' ').Length == 3), "surname, name, patronymic");
            foreach (var b in branches)
            {
                var parent = organisations.Single(o => o.Code == b.Code[..^3]);
                Assert.That((b.Inn, b.Ogrn), Is.EqualTo((parent.Inn, parent.Ogrn)), b.Code);
                Assert.That(b.Okpo[..8], Is.EqualTo(parent.Okpo), b.Code);
            }
        });
    }

    [Test]
    public async Task The_first_demo_municipalities_keep_exactly_their_organisations()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        const string sql = "SELECT string_agg(o.ekis_code, ',' ORDER BY o.ekis_code) FROM ekis.org_unit o JOIN ekis.org_unit m ON m.id = o.parent_id OR m.id = (SELECT p.parent_id FROM ekis.org_unit p WHERE p.id = o.parent_id) WHERE m.ekis_code = $1 AND o.level IN ('organisation', 'branch')";
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string>(sql, "M-SEV"), Is.EqualTo("100001,100002,100003"));
            Assert.That(await ScalarAsync<string>(sql, "M-ZAR"), Is.EqualTo("200001,200001-01,200002"));
            Assert.That(await ScalarAsync<string>(sql, "M-OZR"), Is.EqualTo("300001,300002"));
        });
    }
}
