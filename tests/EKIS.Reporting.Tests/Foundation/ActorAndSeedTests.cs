using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using Npgsql;

namespace EKIS.Reporting.Tests.Foundation;

public sealed class ActorAndSeedTests : DatabaseTest
{
    [Test]
    public async Task A_change_without_an_author_is_refused_by_the_database()
    {
        await using var conn = await Db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("INSERT INTO ekis.org_unit (level, ekis_code, name) VALUES ('region', 'R-X', 'Регион')", conn);
        var ex = Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.That(ex!.SqlState, Is.EqualTo(PostgresErrorCodes.NotNullViolation));
    }

    [Test]
    public async Task A_change_made_as_an_actor_names_that_actor()
    {
        await ExecuteAsAsync(Actor.Cli, "INSERT INTO ekis.org_unit (level, ekis_code, name) VALUES ('region', 'R-X', 'Регион')");
        await ExecuteAsAsync(Actor.User(42, "Иванова И. И."), "INSERT INTO ekis.audit_event (action, entity, entity_id) VALUES ('test', 'org_unit', 'R-X')");

        Assert.That(await ScalarAsync<string>("SELECT created_by FROM ekis.org_unit WHERE ekis_code = 'R-X'"), Is.EqualTo("system:cli"));
        Assert.That(await ScalarAsync<string>("SELECT actor FROM ekis.audit_event WHERE entity_id = 'R-X'"), Is.EqualTo("user:42"));
    }

    [TestCase("")]
    [TestCase("two words")]
    [TestCase("имя")]
    public void A_system_actor_name_must_be_a_short_ascii_identifier(string name) =>
        Assert.Throws<ArgumentException>(() => Actor.System(name));

    [Test]
    public async Task Seeding_the_demo_twice_duplicates_nothing()
    {
        var seed = new SeedDemo(Db);
        var first = await seed.RunAsync(Actor.Cli);
        const string seededRows = "SELECT (SELECT count(*) FROM ekis.org_unit) + (SELECT count(*) FROM ekis.app_user) + (SELECT count(*) FROM ekis.role_assignment) + (SELECT count(*) FROM ekis.assignment_right)";
        var rowsAfterFirst = await ScalarAsync<long>(seededRows);
        var second = await seed.RunAsync(Actor.Cli);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first.Inserted, Is.GreaterThan(0));
            Assert.That(first.Inserted, Is.EqualTo(rowsAfterFirst));
            Assert.That(second.Inserted, Is.Zero);
            Assert.That(await ScalarAsync<long>(seededRows), Is.EqualTo(rowsAfterFirst));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE level = 'municipality'"), Is.EqualTo(13));
            Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT created_by) FROM ekis.org_unit"), Is.EqualTo(1));
        });
    }
}
