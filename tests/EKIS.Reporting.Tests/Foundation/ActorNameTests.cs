using System.Net;
using Dapper;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Issue 10, point 16 (d): an internal id («system:startup») appeared as an author. One function turns
/// an actor into what a person reads, and every page that shows authors uses it.
/// </summary>
public sealed class ActorNameTests : DatabaseTest
{
    [TestCase("system:startup", "Система (начальная загрузка)")]
    [TestCase("system:cli", "Система (командная строка)")]
    [TestCase("system:jobs", "Система (фоновые задания)")]
    [TestCase("system:tests", "Система (tests)")]
    [TestCase("user:42", "Пользователь № 42")]
    [TestCase("Иванова Ольга Сергеевна", "Иванова Ольга Сергеевна")]
    [TestCase("", "—")]
    public void An_actor_is_shown_in_words(string stored, string shown) =>
        Assert.That(ActorNames.Display(stored), Is.EqualTo(shown));

    [Test]
    public void A_system_actor_displays_as_the_same_rule_says() =>
        Assert.That(Actor.Startup.DisplayName, Is.EqualTo(ActorNames.Display(Actor.Startup.Key)));

    [Test]
    public async Task No_page_shows_an_internal_actor_id_where_authors_are_listed()
    {
        // As on a first start: the demo region and campaigns are loaded by system:startup.
        await new SeedDemo(Db).RunAsync(Actor.Startup);
        await new SeedDemoCampaigns(Db, TimeProvider.System).RunAsync(Actor.Startup);
        await ExecuteAsAsync(Actor.Jobs, "INSERT INTO ekis.security_event (event, login, actor) VALUES ('sign_in_failed', 'nobody', 'system:jobs')");

        await using var conn = await Db.OpenConnectionAsync();
        var returned = await conn.QuerySingleAsync<long>("""
            SELECT r.id FROM ekis.report r JOIN ekis.org_unit u ON u.id = r.org_unit_id
            WHERE u.ekis_code = '100001' AND r.status = 'returned_by_municipality' ORDER BY r.id LIMIT 1
            """);
        var cell = await conn.QuerySingleAsync<(string Section, string Row, string Column)>("""
            SELECT c.section, c.row_code, c.column_code FROM ekis.report_value_change ch JOIN ekis.template_cell c ON c.cell_id = ch.cell_id
            WHERE ch.report_id = @returned AND c.s1 IS NULL ORDER BY ch.id LIMIT 1
            """, new { returned });
        var school = await TestAccounts.UnitIdAsync(Db, "100001");
        var director = await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = 'director'");

        using var web = new EkisWebFactory();
        var admin = await TestAccounts.SignInAsync(web, "admin", DemoAccounts.Password);
        var analyst = await TestAccounts.SignInAsync(web, "analyst", DemoAccounts.Password);
        var directorClient = await TestAccounts.SignInAsync(web, "director", DemoAccounts.Password);
        var pages = new (HttpClient Client, string Path)[]
        {
            (analyst, $"/Review/Report/{returned}"),
            (directorClient, $"/Reports/Fill/{returned}"),
            (directorClient, $"/Reports/Fill/{returned}?handler=CellHistory&section={cell.Section}&row={cell.Row}&column={cell.Column}"),
            (admin, $"/Admin/Users/Edit?id={director}"),
            (admin, "/Admin/Security"),
            (admin, $"/Registry/Card?id={school}"),
            (admin, $"/Org/Card?id={school}"),
        };
        await Assert.MultipleAsync(async () =>
        {
            foreach (var (client, path) in pages)
            {
                var response = await client.GetAsync(path);
                var text = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
                if (path.Contains("CellHistory", StringComparison.Ordinal)) text = System.Text.RegularExpressions.Regex.Unescape(text);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
                Assert.That(text, Does.Not.Contain("system:"), path);
                Assert.That(text, Does.Contain("Система (начальная загрузка)").Or.Contain("Система (фоновые задания)"), path);
            }
        });
    }
}
