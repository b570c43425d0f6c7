using System.Text.RegularExpressions;
using Dapper;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Issue 11, point 3: the campaign's reference date, a unit's municipality and an actor's display name
/// each have one home in SQL (migration 0018), and no query in src spells them out again.
/// </summary>
public sealed class SharedSqlTests : DatabaseTest
{
    [Test]
    public async Task A_campaigns_as_of_date_is_its_reference_date_else_its_due_date()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        await ExecuteAsAsync(Actor.Cli, """
            INSERT INTO ekis.template_version (code, version, title, periodicity, xml) VALUES ('t', '1', 't', 12, '<x/>');
            INSERT INTO ekis.campaign (template_version_id, year, period, reference_date, due_date, status)
            SELECT id, 2026, '1', DATE '2026-09-20', DATE '2026-10-10', 'open' FROM ekis.template_version;
            INSERT INTO ekis.campaign (template_version_id, year, period, due_date, status)
            SELECT id, 2026, '2', DATE '2026-11-10', 'open' FROM ekis.template_version;
            """);
        await using var conn = await Db.OpenConnectionAsync();
        var asOf = (await conn.QueryAsync<DateTime>("SELECT as_of::timestamp FROM ekis.campaign ORDER BY period")).ToList();
        Assert.That(asOf, Is.EqualTo(new[] { new DateTime(2026, 9, 20), new DateTime(2026, 11, 10) }));
    }

    [Test]
    public async Task A_units_municipality_is_itself_its_parent_or_its_grandparent()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        await using var conn = await Db.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<(string Level, long Id, long? Municipality, long? Expected)>("""
            SELECT u.level, u.id, um.municipality_id,
                   (SELECT a.id FROM ekis.org_unit a
                    WHERE a.level = 'municipality' AND (a.id = u.id OR a.id = u.parent_id OR a.id = (SELECT p.parent_id FROM ekis.org_unit p WHERE p.id = u.parent_id)))
            FROM ekis.org_unit u LEFT JOIN ekis.unit_municipality um ON um.id = u.id
            """)).ToList();
        Assert.That(rows.Select(r => r.Level).Distinct(), Is.SupersetOf(new[] { "municipality", "organisation", "branch" }));
        Assert.Multiple(() =>
        {
            foreach (var r in rows.Where(r => r.Level != "region"))
                Assert.That(r.Municipality, Is.EqualTo(r.Expected).And.Not.Null, $"{r.Level} {r.Id}");
        });
    }

    [Test]
    public async Task An_actors_name_is_the_persons_name_or_the_key_itself_for_display()
    {
        await ExecuteAsAsync(Actor.Cli, "INSERT INTO ekis.app_user (login, full_name) VALUES ('ivanova', 'Иванова Ольга Сергеевна')");
        var id = await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = 'ivanova'");
        await using var conn = await Db.OpenConnectionAsync();
        string? Name(string? actor) => conn.QuerySingle<string?>("SELECT ekis.actor_name(@actor)", new { actor });
        Assert.Multiple(() =>
        {
            Assert.That(Name($"user:{id}"), Is.EqualTo("Иванова Ольга Сергеевна"));
            Assert.That(ActorNames.Display(Name($"user:{id + 1000}")), Is.EqualTo($"Пользователь № {id + 1000}"));
            Assert.That(ActorNames.Display(Name("system:startup")), Is.EqualTo("Система (начальная загрузка)"));
            Assert.That(Name(null), Is.Null);
        });
    }

    [Test]
    public async Task An_actors_name_is_looked_up_by_the_primary_key()
    {
        // Enough people that a sequential scan is not the cheapest plan of a lookup by key.
        await ExecuteAsAsync(Actor.Cli, "INSERT INTO ekis.app_user (login, full_name) SELECT 'person' || g, 'Человек ' || g FROM generate_series(1, 2000) g");
        await ExecuteAsAsync(Actor.Cli, "ANALYZE ekis.app_user");
        await using var conn = await Db.OpenConnectionAsync();
        var plan = string.Join("\n", await conn.QueryAsync<string>(
            "EXPLAIN SELECT ekis.actor_name(a) FROM (VALUES ('user:5'), ('system:cli')) v(a)"));
        var inner = string.Join("\n", await conn.QueryAsync<string>(
            "EXPLAIN SELECT u.full_name FROM ekis.app_user u WHERE u.id = ekis.actor_user_id('user:5')"));
        Assert.That(inner, Does.Contain("app_user_pkey"), "the lookup the function makes probes the primary key");
        Assert.That(plan, Does.Not.Contain("Seq Scan on app_user"));
    }

    /// <summary>The copies the issue counted: none may come back.</summary>
    [TestCase(@"coalesce\(\s*(\w+\.)?reference_date\s*,\s*(\w+\.)?due_date\s*\)", TestName = "No_query_in_src_spells_out_the_campaigns_as_of_date")]
    [TestCase(@"CASE\s+WHEN\s+\w+\.level\s*=\s*'branch'\s+THEN\s+\w+\.parent_id", TestName = "No_query_in_src_spells_out_a_units_municipality")]
    [TestCase(@"'user:'\s*\|\|", TestName = "No_query_in_src_joins_people_by_an_actor_key")]
    public void No_copy_of_a_shared_rule_remains_in_src(string pattern)
    {
        var rule = new Regex(pattern, RegexOptions.IgnoreCase);
        var offenders = new List<string>();
        foreach (var root in new[] { "src", "jobs" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(BuiltPrograms.RepositoryRoot, root), "*.*", SearchOption.AllDirectories))
            {
                if (!(file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".sql", StringComparison.Ordinal) || file.EndsWith(".cshtml", StringComparison.Ordinal))) continue;
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
                if (rule.IsMatch(File.ReadAllText(file))) offenders.Add(Path.GetRelativePath(BuiltPrograms.RepositoryRoot, file));
            }
        Assert.That(offenders, Is.Empty);
    }
}
