using System.Net;
using System.Text.Json;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Foundation;

public sealed class WebHostTests : DatabaseTest
{
    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    [Test]
    public async Task Liveness_answers_200()
    {
        var response = await _web.CreateClient().GetAsync("/health/live");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Readiness_reports_database_migrations_and_job_storage_healthy()
    {
        var response = await _web.CreateClient().GetAsync("/health/ready");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            foreach (var check in new[] { "database", "migrations", "job-storage" })
                Assert.That(json.GetProperty("checks").GetProperty(check).GetProperty("status").GetString(), Is.EqualTo("Healthy"), check);
        });
    }

    [Test]
    public async Task Readiness_fails_when_a_migration_is_missing_from_the_journal()
    {
        await using (var conn = await Db.OpenConnectionAsync())
        {
            await using var cmd = new Npgsql.NpgsqlCommand("ALTER TABLE ekis.schema_versions RENAME TO schema_versions_hidden", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            var response = await _web.CreateClient().GetAsync("/health/ready");
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body, Does.Contain("not applied"));
        }
        finally
        {
            await using var conn = await Db.OpenConnectionAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("ALTER TABLE ekis.schema_versions_hidden RENAME TO schema_versions", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    [Test]
    public async Task The_start_page_lists_the_demo_municipalities_in_Russian()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var client = await TestAccounts.SignInAsync(_web, "analyst", DemoAccounts.Password);
        var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("<html lang=\"ru\">"));
            Assert.That(html, Does.Contain("Демонстрационная область"));
            Assert.That(html, Does.Contain("Городской округ Северный"));
            Assert.That(html.IndexOf("Городской округ Озёрск", StringComparison.Ordinal),
                Is.LessThan(html.IndexOf("Городской округ Северный", StringComparison.Ordinal)), "Russian alphabetical order");
        });
    }

    [Test]
    public async Task Responses_carry_security_headers()
    {
        var response = await _web.CreateClient().GetAsync("/Account/Login");
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Does.Contain("nosniff"));
            Assert.That(response.Headers.GetValues("X-Frame-Options"), Does.Contain("DENY"));
            Assert.That(string.Join(";", response.Headers.GetValues("Content-Security-Policy")), Does.Contain("frame-ancestors 'none'"));
        });
    }

    [Test]
    public async Task An_unknown_page_answers_404_with_a_Russian_explanation()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var client = await TestAccounts.SignInAsync(_web, "analyst", DemoAccounts.Password);
        var response = await client.GetAsync("/no-such-page");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Страница не найдена"));
    }
}
