using System.Net;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>
/// Issue 10, point 8: signing out ends the session on the server. A copy of the cookie taken
/// before (another browser, a stolen file, «Запомнить меня» for 14 days) no longer opens anything.
/// </summary>
public sealed class LogoutTests : DatabaseTest
{
    private const string AdminPage = "/Admin/Security";

    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    [SetUp]
    public Task CreateAccountAsync() => TestAccounts.CreateAsync(Db, "ivanova", Roles.Admin, null);

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_copied_cookie_no_longer_works_after_logout(bool rememberMe)
    {
        var browser = TestAccounts.Client(_web);
        var cookie = await SignInAndCopyCookieAsync(browser, rememberMe);
        Assert.That((await WithCookieAsync(cookie, AdminPage)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the copy works while the session lasts");

        var logout = await TestAccounts.PostFormAsync(browser, "/Account/Logout", new(), tokenPage: AdminPage);
        Assert.That(logout.Headers.Location!.ToString(), Does.Contain("/Account/Login"));

        var replay = await WithCookieAsync(cookie, AdminPage);
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the copied cookie is refused after logout");
        Assert.That(replay.Headers.Location!.ToString(), Does.Contain("/Account/Login"));
    }

    [Test]
    public async Task Signing_out_in_one_browser_leaves_the_other_browsers_session_alone()
    {
        var first = TestAccounts.Client(_web);
        var second = TestAccounts.Client(_web);
        await SignInAndCopyCookieAsync(first, rememberMe: false);
        await SignInAndCopyCookieAsync(second, rememberMe: true);

        await TestAccounts.PostFormAsync(first, "/Account/Logout", new(), tokenPage: AdminPage);
        Assert.That((await first.GetAsync(AdminPage)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await second.GetAsync(AdminPage)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the other browser stays signed in");
    }

    [Test]
    public async Task Signing_out_everywhere_ends_every_session_of_the_person()
    {
        var first = TestAccounts.Client(_web);
        var second = TestAccounts.Client(_web);
        await SignInAndCopyCookieAsync(first, rememberMe: false);
        var secondCookie = await SignInAndCopyCookieAsync(second, rememberMe: true);

        var everywhere = await TestAccounts.PostFormAsync(first, "/Account/Logout?handler=Everywhere", new(), tokenPage: AdminPage);
        Assert.That(everywhere.Headers.Location!.ToString(), Does.Contain("/Account/Login"));
        Assert.That((await first.GetAsync(AdminPage)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await second.GetAsync(AdminPage)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the other browser is signed out too");
        Assert.That((await WithCookieAsync(secondCookie, AdminPage)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event = 'signed_out' AND login = 'ivanova'"), Is.EqualTo(1));
    }

    /// <summary>Signs in through the page and returns the authentication cookie as a browser would send it back.</summary>
    private static async Task<string> SignInAndCopyCookieAsync(HttpClient client, bool rememberMe)
    {
        var fields = new Dictionary<string, string> { ["login"] = "ivanova", ["password"] = TestAccounts.Password };
        if (rememberMe) fields["rememberMe"] = "true";
        var response = await TestAccounts.PostFormAsync(client, "/Account/Login", fields);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync());
        var setCookies = response.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith("ekis.auth", StringComparison.Ordinal)).ToList();
        Assert.That(setCookies, Is.Not.Empty, "the sign-in sets the authentication cookie");
        if (rememberMe)
            Assert.That(setCookies[0], Does.Contain("expires=").IgnoreCase, "«Запомнить меня» makes a persistent cookie");
        return string.Join("; ", setCookies.Select(c => c.Split(';')[0]));
    }

    private async Task<HttpResponseMessage> WithCookieAsync(string cookie, string path)
    {
        using var thief = _web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await thief.SendAsync(request);
    }
}
