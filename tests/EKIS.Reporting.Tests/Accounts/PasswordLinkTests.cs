using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Mail;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EKIS.Reporting.Tests.Accounts;

public sealed partial class PasswordLinkTests : DatabaseTest
{
    private string _pickup = null!;
    private PasswordLinks _links = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _pickup = Directory.CreateTempSubdirectory("ekis-mail-").FullName;
        var options = new MailOptions { PickupFolder = _pickup, PublicUrl = "https://ekis.example" };
        _links = new PasswordLinks(Db, new Mailer(options, NullLogger<Mailer>.Instance), options);
        await TestAccounts.CreateAsync(Db, "petrov", "admin", null, "petrov@school.example");
    }

    [TearDown]
    public void RemovePickup() => Directory.Delete(_pickup, true);

    private string MailedToken()
    {
        var files = Directory.GetFiles(_pickup, "*.eml");
        Assert.That(files, Has.Length.EqualTo(1), "one message in the pickup folder");
        var text = File.ReadAllText(files[0]);
        Assert.That(text, Does.Contain("petrov@school.example"));
        var m = LinkPattern().Match(text);
        Assert.That(m.Success, Is.True, "the message holds the link");
        return m.Groups[1].Value;
    }

    [Test]
    public async Task A_reset_link_is_mailed_and_sets_the_password_once()
    {
        var answer = await _links.RequestResetAsync("petrov", "127.0.0.1");
        Assert.That(answer, Is.EqualTo(PasswordLinks.RequestAcknowledgement));
        var token = MailedToken();

        Assert.That(await _links.PeekAsync(token), Is.Not.Null);
        Assert.That(await _links.ConsumeAsync(token, "Novyi-parol-2026", null), Is.Null);
        Assert.That((await new SignIn(Db).AttemptAsync("petrov", "Novyi-parol-2026", null)).Succeeded, Is.True);

        Assert.That(await _links.ConsumeAsync(token, "Drugoi-parol-2026", null), Is.EqualTo(PasswordLinks.InvalidLink), "a used link fails");
        Assert.That(await _links.PeekAsync(token), Is.Null);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event IN ('password_reset_requested', 'password_reset_used')"), Is.EqualTo(2));
    }

    [Test]
    public async Task An_expired_link_fails_and_leaves_the_password_unchanged()
    {
        await _links.RequestResetAsync("petrov@school.example", null);
        var token = MailedToken();
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.password_token SET expires_at = now() - interval '1 minute'");

        Assert.That(await _links.ConsumeAsync(token, "Novyi-parol-2026", null), Is.EqualTo(PasswordLinks.InvalidLink));
        Assert.That((await new SignIn(Db).AttemptAsync("petrov", TestAccounts.Password, null)).Succeeded, Is.True);
    }

    [Test]
    public async Task A_request_for_an_unknown_login_answers_the_same_and_sends_nothing()
    {
        Assert.That(await _links.RequestResetAsync("no-such-person", null), Is.EqualTo(PasswordLinks.RequestAcknowledgement));
        Assert.That(Directory.GetFiles(_pickup), Is.Empty);
    }

    [Test]
    public async Task A_weak_password_through_a_link_is_refused_and_the_link_stays_usable()
    {
        await _links.RequestResetAsync("petrov", null);
        var token = MailedToken();
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
