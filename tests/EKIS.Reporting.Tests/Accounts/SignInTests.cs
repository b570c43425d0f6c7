using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Accounts;

public sealed class SignInTests : DatabaseTest
{
    private SignIn _signIn = null!;

    [SetUp]
    public async Task CreateAccountAsync()
    {
        _signIn = new SignIn(Db);
        await TestAccounts.CreateAsync(Db, "ivanova", "admin", null);
    }

    [Test]
    public async Task The_right_password_signs_in_and_clears_earlier_failures()
    {
        await _signIn.AttemptAsync("ivanova", "wrong-1", "127.0.0.1");
        var ok = await _signIn.AttemptAsync("IVANOVA", TestAccounts.Password, "127.0.0.1");
        Assert.That(ok.Succeeded, Is.True);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.sign_in_throttle"), Is.Zero);
    }

    [Test]
    public async Task A_wrong_password_and_an_unknown_login_get_the_same_message()
    {
        var wrong = await _signIn.AttemptAsync("ivanova", "not-the-password", null);
        var unknown = await _signIn.AttemptAsync("nobody-here", "not-the-password", null);
        Assert.That(wrong.Succeeded || unknown.Succeeded, Is.False);
        Assert.That(wrong.Error, Is.EqualTo(unknown.Error).And.EqualTo(SignIn.WrongCredentials));
    }

    [TestCase("ivanova")]
    [TestCase("nobody-here")]
    public async Task Repeated_failures_lock_the_login_whether_or_not_it_exists(string login)
    {
        SignIn.Result last = null!;
        for (var i = 0; i < SignIn.MaxFailures; i++)
            last = await _signIn.AttemptAsync(login, "wrong-" + i, null);
        Assert.That(last.LockedUntil, Is.Not.Null);
        Assert.That(last.Error, Does.StartWith("Слишком много неудачных попыток"));

        var evenRight = await _signIn.AttemptAsync(login, TestAccounts.Password, null);
        Assert.That(evenRight.Succeeded, Is.False, "a locked login stays locked even with the right password");
        Assert.That(evenRight.Error, Is.EqualTo(last.Error).Or.StartWith("Слишком много"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event = 'locked_out' AND login = $1", login), Is.EqualTo(1));
    }

    [Test]
    public async Task A_lock_expires_and_the_right_password_then_works()
    {
        for (var i = 0; i < SignIn.MaxFailures; i++)
            await _signIn.AttemptAsync("ivanova", "wrong-" + i, null);
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.sign_in_throttle SET locked_until = now() - interval '1 second'");
        Assert.That((await _signIn.AttemptAsync("ivanova", TestAccounts.Password, null)).Succeeded, Is.True);
    }

    [Test]
    public async Task A_deactivated_account_cannot_sign_in_even_with_its_password()
    {
        var id = await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = 'ivanova'");
        await new Users(Db, null!).DeactivateAsync(id, Actor.Cli, null);
        var result = await _signIn.AttemptAsync("ivanova", TestAccounts.Password, null);
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Error, Does.Contain("отключён"));
    }

    [Test]
    public async Task Successes_and_failures_are_in_the_security_audit_with_the_client_address()
    {
        await _signIn.AttemptAsync("ivanova", "wrong", "10.1.2.3");
        await _signIn.AttemptAsync("ivanova", TestAccounts.Password, "10.1.2.3");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE login = 'ivanova' AND client_address = '10.1.2.3' AND event IN ('sign_in_failed', 'sign_in_succeeded')"),
            Is.EqualTo(2));
    }

    [TestCase("short1", "не менее 8")]
    [TestCase("onlyletters", "буквы, и цифры")]
    [TestCase("12345678", "буквы, и цифры")]
    [TestCase("ivanova2026", "логин")]
    public void Weak_passwords_are_refused_with_a_reason(string password, string reason) =>
        Assert.That(Passwords.Problem(password, "ivanova"), Does.Contain(reason));

    [Test]
    public void A_good_password_passes_the_rules() => Assert.That(Passwords.Problem("Лето-2026-school", "ivanova"), Is.Null);
}
