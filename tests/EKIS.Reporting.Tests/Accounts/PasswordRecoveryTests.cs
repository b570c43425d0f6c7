using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Jobs.Accounts;
using EKIS.Reporting.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Hangfire;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>
/// Issue 10, point 9: «Я не помню пароль» answered faster for an unknown login, had no limit, and
/// left every link it ever sent alive. Through the real page on the in-process host.
/// </summary>
public sealed partial class PasswordRecoveryTests : DatabaseTest
{
    private string _pickup = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _pickup = Directory.CreateTempSubdirectory("ekis-mail-").FullName;
        await TestAccounts.CreateAsync(Db, "petrov", Roles.Admin, null, "petrov@school.example");
    }

    [TearDown]
    public void RemovePickup() => Directory.Delete(_pickup, true);

    private WebApplicationFactory<Program> Host(bool runJobServer) =>
        new EkisWebFactory(runJobServer).WithWebHostBuilder(b => b
            .UseSetting("Mail:PickupFolder", _pickup)
            .UseSetting("Mail:PublicUrl", "https://ekis.example"));

    [Test]
    public async Task A_known_and_an_unknown_login_get_the_same_answer_and_the_same_work_on_the_request()
    {
        using var web = Host(runJobServer: false);
        var known = await RequestAsync(web, "petrov");
        var unknown = await RequestAsync(web, "no-such-person");

        Assert.That(Normalised(known), Is.EqualTo(Normalised(unknown)), "the page answers the same");
        Assert.Multiple(async () =>
        {
            Assert.That(Directory.GetFiles(_pickup), Is.Empty, "no mail is sent on the request path");
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.password_token"), Is.Zero, "no link is issued on the request path");
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event = 'password_reset_requested' AND user_id IS NULL"), Is.EqualTo(2),
                "both requests are in the security log, neither tied to a person");
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.password_reset_request WHERE login_key IN ('petrov', 'no-such-person')"), Is.EqualTo(2),
                "both requests are queued alike");
        });

        // Each request was handed to a job of the same kind …
        List<Guid> requests;
        await using (var conn = await Db.OpenConnectionAsync())
            requests = (await conn.QueryAsync<Guid>("SELECT id FROM ekis.password_reset_request ORDER BY requested_at")).ToList();
        var enqueued = web.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 5000)
            .Where(j => j.Value.Job?.Type == typeof(PasswordResetJob))
            .Select(j => (Guid)j.Value.Job.Args[0]).ToHashSet();
        Assert.That(enqueued, Is.SupersetOf(requests), "both requests were enqueued for the job");

        // … which does the part that differs, off the request's path.
        using var scope = web.Services.CreateScope();
        foreach (var id in requests)
            await ActivatorUtilities.CreateInstance<PasswordResetJob>(scope.ServiceProvider).RunAsync(id, CancellationToken.None);
        Assert.That(MailedTokens(), Has.Count.EqualTo(1), "one mail, for the known login");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.password_reset_request WHERE processed_at IS NOT NULL"), Is.EqualTo(2));
    }

    [Test]
    public async Task The_fourth_request_for_one_login_within_the_hour_sends_no_mail_and_only_the_newest_link_works()
    {
        using var web = Host(runJobServer: true);
        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
            answers.Add(Normalised(await RequestAsync(web, "petrov")));
        Assert.That(answers.Distinct().Count(), Is.EqualTo(1), "the limited request answers like the others");

        await WaitForQueuedWorkAsync();
        var tokens = MailedTokens();
        Assert.That(tokens, Has.Count.EqualTo(3), "three mails, not four");

        var visitor = TestAccounts.Client(web);
        var alive = new List<string>();
        foreach (var token in tokens)
            if ((await visitor.GetAsync("/Account/SetPassword?token=" + token)).StatusCode == HttpStatusCode.OK) alive.Add(token);
        Assert.That(alive, Has.Count.EqualTo(1), "a new link makes the older ones invalid");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event = 'password_reset_requested'"), Is.EqualTo(4),
            "the limited request is in the security log too");
    }

    private static async Task<string> RequestAsync(WebApplicationFactory<Program> web, string loginOrEmail)
    {
        var client = TestAccounts.Client(web);
        var response = await TestAccounts.PostFormAsync(client, "/Account/ForgotPassword", new() { ["loginOrEmail"] = loginOrEmail });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The page without what differs per request by design (antiforgery tokens).</summary>
    private static string Normalised(string html) => TokenPattern().Replace(html, "value=\"…\"");

    /// <summary>Waits until the job server has taken every reset request queued by this test.</summary>
    private static async Task WaitForQueuedWorkAsync()
    {
        for (var i = 0; i < 240; i++)
        {
            var open = await ScalarAsync<long>("SELECT count(*) FROM ekis.password_reset_request WHERE processed_at IS NULL")
                       + await ScalarAsync<long>("SELECT count(*) FROM ekis.outgoing_mail WHERE status = 'pending'");
            if (open == 0) return;
            await Task.Delay(250);
        }
        Assert.Fail("the queued reset requests and mails were not processed by the job server");
    }

    private List<string> MailedTokens() =>
        Directory.GetFiles(_pickup, "*.eml").Select(File.ReadAllText)
            .Select(text => LinkPattern().Match(text))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("value=\"[^\"]{40,}\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"https://ekis\.example/Account/SetPassword\?token=([A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();
}
