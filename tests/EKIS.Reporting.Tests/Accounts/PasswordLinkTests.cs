using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Mail;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Mail;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>Password links and «Я не помню пароль» on the real database: the request, the job's part, the mail queue.</summary>
public sealed partial class PasswordLinkTests : DatabaseTest
{
    private string _pickup = null!;
    private PasswordLinks _links = null!;
    private PasswordRecovery _recovery = null!;
    private OutgoingMail _outbox = null!;
    private readonly HashSet<string> _seenMail = [];

    [SetUp]
    public async Task SetUpAsync()
    {
        _pickup = Directory.CreateTempSubdirectory("ekis-mail-").FullName;
        _seenMail.Clear();
        var options = new MailOptions { PickupFolder = _pickup, PublicUrl = "https://ekis.example" };
        var mailer = new Mailer(options, NullLogger<Mailer>.Instance);
        _links = new PasswordLinks(Db, mailer, options);
        _recovery = new PasswordRecovery(Db, _links, new PasswordRecovery.Limits());
        _outbox = new OutgoingMail(Db, mailer, NullLogger<OutgoingMail>.Instance);
        await TestAccounts.CreateAsync(Db, "petrov", "admin", null, "petrov@school.example");
    }

    [TearDown]
    public void RemovePickup() => Directory.Delete(_pickup, true);

    /// <summary>What the page and then its job do: take the request, issue the link, send the mail.</summary>
    private async Task<Guid?> RequestAndSendAsync(string loginOrEmail, string? clientAddress = null)
    {
        var request = await _recovery.RequestAsync(loginOrEmail, clientAddress);
        if (request is not null && await _recovery.SendLinkAsync(request.Value, Actor.Jobs) is { } mail)
            await _outbox.DeliverAsync(mail);
        return request;
    }

    /// <summary>The token of the one message that arrived since the last call.</summary>
    private string NewMailedToken()
    {
        var files = Directory.GetFiles(_pickup, "*.eml").Where(f => !_seenMail.Contains(f)).ToList();
        Assert.That(files, Has.Count.EqualTo(1), "one new message in the pickup folder");
        _seenMail.Add(files[0]);
        var text = File.ReadAllText(files[0]);
        Assert.That(text, Does.Contain("petrov@school.example"));
        var m = LinkPattern().Match(text);
        Assert.That(m.Success, Is.True, "the message holds the link");
        return m.Groups[1].Value;
    }

    [Test]
    public async Task A_reset_link_is_mailed_and_sets_the_password_once()
    {
        Assert.That(await RequestAndSendAsync("petrov", "127.0.0.1"), Is.Not.Null);
        var token = NewMailedToken();

        Assert.That(await _links.PeekAsync(token), Is.Not.Null);
        Assert.That(await _links.ConsumeAsync(token, "Novyi-parol-2026", null), Is.Null);
        Assert.That((await new SignIn(Db).AttemptAsync("petrov", "Novyi-parol-2026", null)).Succeeded, Is.True);

        Assert.That(await _links.ConsumeAsync(token, "Drugoi-parol-2026", null), Is.EqualTo(PasswordLinks.InvalidLink), "a used link fails");
        Assert.That(await _links.PeekAsync(token), Is.Null);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event IN ('password_reset_requested', 'password_reset_link_sent', 'password_reset_used')"),
            Is.EqualTo(3));
        Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.outgoing_mail"), Is.EqualTo("sent"));
        Assert.That(await ScalarAsync<string>("SELECT text_body FROM ekis.outgoing_mail"), Is.Null, "the link is not kept in the database once sent");
    }

    [Test]
    public async Task An_expired_link_fails_and_leaves_the_password_unchanged()
    {
        await RequestAndSendAsync("petrov@school.example");
        var token = NewMailedToken();
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.password_token SET expires_at = now() - interval '1 minute'");

        Assert.That(await _links.ConsumeAsync(token, "Novyi-parol-2026", null), Is.EqualTo(PasswordLinks.InvalidLink));
        Assert.That((await new SignIn(Db).AttemptAsync("petrov", TestAccounts.Password, null)).Succeeded, Is.True);
    }

    [Test]
    public async Task A_request_for_an_unknown_login_is_taken_like_any_other_and_sends_nothing()
    {
        var request = await _recovery.RequestAsync("no-such-person", null);
        Assert.That(request, Is.Not.Null, "recorded and handed to the job like a known login");
        Assert.That(await _recovery.SendLinkAsync(request!.Value, Actor.Jobs), Is.Null);
        Assert.That(Directory.GetFiles(_pickup), Is.Empty);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.password_reset_request WHERE processed_at IS NOT NULL"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_job_handles_a_request_once_however_often_it_is_delivered()
    {
        var request = (await _recovery.RequestAsync("petrov", null))!.Value;
        Assert.That(await _recovery.SendLinkAsync(request, Actor.Jobs), Is.Not.Null);
        Assert.That(await _recovery.SendLinkAsync(request, Actor.Jobs), Is.Null, "a second delivery of the job does nothing");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.password_token"), Is.EqualTo(1));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.outgoing_mail"), Is.EqualTo(1));
        Assert.That(await ScalarAsync<string>("SELECT created_by FROM ekis.outgoing_mail"), Is.EqualTo("system:jobs"));
    }

    [Test]
    public async Task A_new_link_makes_the_older_ones_invalid()
    {
        await RequestAndSendAsync("petrov");
        var first = NewMailedToken();
        await RequestAndSendAsync("petrov@school.example");
        var second = NewMailedToken();

        Assert.That(await _links.PeekAsync(first), Is.Null, "the older link no longer opens");
        Assert.That(await _links.ConsumeAsync(first, "Novyi-parol-2026", null), Is.EqualTo(PasswordLinks.InvalidLink));
        Assert.That(await _links.ConsumeAsync(second, "Novyi-parol-2026", null), Is.Null, "the newest one works");
    }

    [Test]
    public async Task An_invitation_sent_again_revokes_the_earlier_link()
    {
        var user = await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = 'petrov'");
        var first = await _links.SendInvitationAsync(user, "system:tests");
        var second = await _links.SendInvitationAsync(user, "system:tests");
        Assert.That(await _links.PeekAsync(first.Token), Is.Null);
        Assert.That(await _links.PeekAsync(second.Token), Is.Not.Null);
    }

    [Test]
    public async Task The_fourth_request_for_one_login_within_the_hour_is_refused_silently()
    {
        for (var i = 0; i < 3; i++)
            Assert.That(await _recovery.RequestAsync(i % 2 == 0 ? "petrov" : " PETROV ", $"10.0.0.{i}"), Is.Not.Null, $"request {i + 1}");
        Assert.That(await _recovery.RequestAsync("petrov", "10.0.0.9"), Is.Null, "the fourth, even from another address");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event = 'password_reset_requested' AND details->>'limited' = 'login'"), Is.EqualTo(1));

        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.password_reset_request SET requested_at = now() - interval '61 minutes'");
        Assert.That(await _recovery.RequestAsync("petrov", "10.0.0.9"), Is.Not.Null, "an hour later the login may ask again");
    }

    [Test]
    public async Task The_eleventh_request_from_one_address_is_refused_whatever_the_login()
    {
        for (var i = 0; i < 10; i++)
            Assert.That(await _recovery.RequestAsync($"login-{i}", "198.51.100.7"), Is.Not.Null, $"request {i + 1}");
        Assert.That(await _recovery.RequestAsync("petrov", "198.51.100.7"), Is.Null);
        Assert.That(await _recovery.RequestAsync("petrov", "198.51.100.8"), Is.Not.Null, "another address is not held up");
    }

    [Test]
    public async Task Parallel_requests_for_one_login_pass_the_limit_exactly_three_times()
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await _recovery.RequestAsync("petrov", $"10.9.0.{i}");
        })).ToList();
        start.SetResult();
        var ids = await Task.WhenAll(requests);
        Assert.That(ids.Count(id => id is not null), Is.EqualTo(3));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event = 'password_reset_requested'"), Is.EqualTo(12));
    }

    [Test]
    public void The_limits_are_read_from_configuration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PasswordRecovery:PerLogin"] = "1", ["PasswordRecovery:PerAddress"] = "4", ["PasswordRecovery:WindowMinutes"] = "30",
        }).Build();
        var limits = PasswordRecovery.Limits.From(config);
        Assert.That((limits.PerLogin, limits.PerAddress, limits.Window), Is.EqualTo((1, 4, TimeSpan.FromMinutes(30))));
    }

    [Test]
    public async Task A_weak_password_through_a_link_is_refused_and_the_link_stays_usable()
    {
        await RequestAndSendAsync("petrov");
        var token = NewMailedToken();
        Assert.That(await _links.ConsumeAsync(token, "short", null), Does.Contain("не менее"));
        Assert.That(await _links.PeekAsync(token), Is.Not.Null);
    }

    [TestCase("")]
    [TestCase("not-a-token")]
    [TestCase("'; DROP TABLE ekis.app_user; --aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Malformed_tokens_are_refused_without_touching_anything(string token)
    {
        Assert.That(await _links.PeekAsync(token), Is.Null);
        Assert.That(await _links.ConsumeAsync(token, "Novyi-parol-2026", null), Is.EqualTo(PasswordLinks.InvalidLink));
    }

    [GeneratedRegex(@"https://ekis\.example/Account/SetPassword\?token=([A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();
}
