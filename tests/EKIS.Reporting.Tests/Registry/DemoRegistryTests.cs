using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Registry;

public sealed class DemoRegistryTests : DatabaseTest
{
    [Test]
    public async Task Every_demo_respondent_has_identifiers_that_pass_their_checks()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        await using var conn = await Db.OpenConnectionAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT ekis_code, inn, kpp, ogrn, okpo FROM ekis.org_unit WHERE level IN ('organisation', 'branch')", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            count++;
            var code = reader.GetString(0);
            Assert.Multiple(() =>
            {
                Assert.That(Identifiers.CheckOrganisationInn(reader.GetString(1)), Is.Null, code);
                Assert.That(Identifiers.CheckKpp(reader.GetString(2)), Is.Null, code);
                Assert.That(Identifiers.CheckOgrn(reader.GetString(3)), Is.Null, code);
                Assert.That(Identifiers.CheckOkpo(reader.GetString(4)), Is.Null, code);
            });
        }
        Assert.That(count, Is.EqualTo(8));
    }
}
