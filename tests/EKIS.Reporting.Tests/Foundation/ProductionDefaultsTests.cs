using System.Net;
using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Issue 10, point 4: the quick start (<c>dotnet run --project src/EKIS.Reporting.Web</c>, no
/// ASPNETCORE_ENVIRONMENT) runs as production — a Russian error page with a reference id, the details
/// only in the log — and listens where ASPNETCORE_URLS says. Development is an explicit choice.
/// </summary>
[NonParallelizable]
public sealed partial class ProductionDefaultsTests
{
    private RunningWebApp _app = null!;

    [OneTimeSetUp]
    public async Task StartTheQuickStartAsync()
    {
        await TestDatabase.ResetAsync();
        await new SeedDemo(TestDatabase.DataSource).RunAsync(Actor.Cli);
        await TestAccounts.CreateAsync(TestDatabase.DataSource, "prod-analyst", Roles.RegionalAnalyst, await TestAccounts.UnitIdAsync(TestDatabase.DataSource, "R-DEMO"));
        // As a newcomer's shell has it: no environment chosen (the test host sets "Testing" for its children).
        _app = await RunningWebApp.StartWithDotnetRunAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = _app.Address };

    private async Task<HttpClient> SignedInAsync()
    {
        var client = Client();
        var response = await TestAccounts.PostFormAsync(client, "/Account/Login", new() { ["login"] = "prod-analyst", ["password"] = TestAccounts.Password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "sign-in");
        return client;
    }

    [Test]
    public async Task Dotnet_run_listens_where_ASPNETCORE_URLS_says_and_serves_static_files()
    {
        using var client = Client();
        // The app became ready on the port the test chose (StartWithDotnetRunAsync waits for it there).
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_app.Output, Does.Contain($"EKIS.Reporting is ready at {_app.Address.ToString().TrimEnd('/')}"));
        var css = await client.GetAsync("/css/site.css");
        Assert.That(css.StatusCode, Is.EqualTo(HttpStatusCode.OK), "wwwroot is served outside Development too");
        Assert.That(css.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/css"));
    }

    [Test]
    public async Task A_server_error_shows_a_Russian_page_with_a_reference_id_and_the_details_only_in_the_log()
    {
        using var client = await SignedInAsync();
        // A real failure: the campaign list's table is gone from under the running app.
        await ExecuteAsync("ALTER TABLE ekis.campaign RENAME TO campaign_gone");
        HttpResponseMessage response;
        string body;
        try
        {
            response = await client.GetAsync("/Campaigns");
            body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await ExecuteAsync("ALTER TABLE ekis.campaign_gone RENAME TO campaign");
        }

        var reference = ReferencePattern().Match(body);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(body, Does.Contain("<html lang=\"ru\">"));
            Assert.That(body, Does.Contain("Попробуйте ещё раз"));
            Assert.That(reference.Success, Is.True, "a reference id on the page: " + body);
            foreach (var secret in new[] { " at ", ".cs:", "Npgsql", "campaign_gone", "42P01", "Host=", "Password=", "Username=", TestDatabase.DatabaseName, "Exception" })
                Assert.That(body, Does.Not.Contain(secret), "the page reveals nothing of the failure");
        });

        // The same id in the log, beside what failed.
        var id = reference.Groups[1].Value;
        string? line = null;
        for (var i = 0; i < 50 && line is null; i++)
        {
            line = _app.Output.Split('\n').FirstOrDefault(l => l.Contains(id, StringComparison.Ordinal));
            if (line is null) await Task.Delay(100);
        }
        Assert.That(line, Is.Not.Null, "the log names the reference id:\n" + _app.Output);
        var from = _app.Output.IndexOf(line!, StringComparison.Ordinal);
        Assert.That(_app.Output[from..], Does.Contain("campaign").And.Contain("42P01"), "the details are in the log");
    }

    [TestCase("/no-such-page", HttpStatusCode.NotFound, "Страница не найдена")]
    [TestCase("/Admin/Security", HttpStatusCode.Forbidden, "Доступ запрещён")]
    public async Task Status_pages_are_in_Russian(string path, HttpStatusCode expected, string title)
    {
        using var client = await SignedInAsync();
        var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(expected));
        Assert.That(WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), Does.Contain(title));
    }

    [Test]
    public void The_default_launch_profile_chooses_neither_an_environment_nor_an_address()
    {
        var file = Path.Combine(BuiltPrograms.RepositoryRoot, "src", "EKIS.Reporting.Web", "Properties", "launchSettings.json");
        if (!File.Exists(file)) return;
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        // dotnet run takes the first "Project" profile unless --launch-profile names another.
        var first = json.RootElement.GetProperty("profiles").EnumerateObject()
            .First(p => p.Value.TryGetProperty("commandName", out var c) && c.GetString() == "Project");
        Assert.Multiple(() =>
        {
            Assert.That(first.Value.TryGetProperty("applicationUrl", out _), Is.False, $"profile {first.Name} overrides ASPNETCORE_URLS");
            var env = first.Value.TryGetProperty("environmentVariables", out var e) ? e.EnumerateObject().Select(p => p.Name).ToList() : [];
            Assert.That(env, Does.Not.Contain("ASPNETCORE_ENVIRONMENT").And.Not.Contain("DOTNET_ENVIRONMENT"), $"profile {first.Name} chooses an environment");
        });
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var conn = await TestDatabase.DataSource.OpenConnectionAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [GeneratedRegex("Код обращения: <code>([0-9a-f]{16,32})</code>")]
    private static partial Regex ReferencePattern();
}
