using System.Net;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>
/// Issue 10, point 2: parallel clients could have any number of passwords verified against one
/// login, and a failure still in flight lifted the lock. Sixteen clients hammer the real sign-in
/// page; every verified password leaves one security event, so the verifications can be counted.
/// </summary>
public sealed class SignInLockoutRaceTests : DatabaseTest
{
    private const int Clients = 16;
    private const int AttemptsPerClient = 4;

    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    [TestCase("ivanova")]
    [TestCase("nobody-here")]
    public async Task Sixteen_parallel_clients_get_at_most_five_passwords_verified_per_window_and_leave_the_login_locked(string login)
    {
        await TestAccounts.CreateAsync(Db, "ivanova", Roles.Admin, null);

        await HammerAsync(login);
        var verified = await VerifiedAsync(login);
        Assert.That(verified, Is.InRange(1, SignIn.MaxFailures), "passwords verified in the first lockout window");
        Assert.That(await ScalarAsync<bool>("SELECT locked_until > now() FROM ekis.sign_in_throttle WHERE login_key = $1", login), Is.True,
            "the login is locked at the end");
        await AssertRightPasswordRefusedAsync(login);

        // The next window (the lock has run out) allows at most five more, and ends locked again.
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.sign_in_throttle SET locked_until = now() - interval '1 second'");
        await HammerAsync(login);
        Assert.That(await VerifiedAsync(login) - verified, Is.InRange(1, SignIn.MaxFailures), "passwords verified in the second window");
        Assert.That(await ScalarAsync<bool>("SELECT locked_until > now() FROM ekis.sign_in_throttle WHERE login_key = $1", login), Is.True);
        await AssertRightPasswordRefusedAsync(login);
    }

    private static Task<long> VerifiedAsync(string login) =>
        ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE login = $1 AND event IN ('sign_in_failed', 'sign_in_succeeded')", login);

    private async Task AssertRightPasswordRefusedAsync(string login)
    {
        var client = TestAccounts.Client(_web);
        var response = await TestAccounts.PostFormAsync(client, "/Account/Login", new() { ["login"] = login, ["password"] = TestAccounts.Password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the right password does not sign in while locked");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Слишком много неудачных попыток"));
    }

    /// <summary>Sixteen clients, each with its own antiforgery cookie, released together, each posting wrong passwords.</summary>
    private async Task HammerAsync(string login)
    {
        var clients = new List<(HttpClient Client, string Token)>();
        for (var i = 0; i < Clients; i++)
        {
            var client = TestAccounts.Client(_web);
            clients.Add((client, await TestAccounts.AntiforgeryTokenAsync(client, "/Account/Login")));
        }
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = clients.Select((c, n) => Task.Run(async () =>
        {
            await start.Task;
            for (var attempt = 0; attempt < AttemptsPerClient; attempt++)
            {
                var response = await c.Client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["login"] = login,
                    ["password"] = $"wrong-{n}-{attempt}",
                    ["__RequestVerificationToken"] = c.Token,
                }));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a refused sign-in shows the page again");
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);
    }
}
