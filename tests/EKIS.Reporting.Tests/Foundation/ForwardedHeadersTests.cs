using System.Net;
using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Tests.Support;
using EKIS.Reporting.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Issue 10, point 12: behind a TLS proxy the app saw the proxy's address and plain HTTP — the
/// security log recorded the proxy, and the cookie went out without Secure. With the proxy
/// setting on, a trusted proxy's X-Forwarded-For / -Proto are believed; nobody else's are.
/// The in-process host has no socket, so a first middleware plays the connection's peer address.
/// </summary>
public sealed partial class ForwardedHeadersTests : DatabaseTest
{
    private const string Proxy = "10.0.0.5";
    private const string Client = "203.0.113.7";

    [SetUp]
    public Task CreateAccountAsync() => TestAccounts.CreateAsync(Db, "ivanova", Roles.Admin, null);

    [Test]
    public async Task Behind_a_trusted_proxy_the_security_log_has_the_real_client_and_the_cookie_is_secure()
    {
        using var web = Host(peer: Proxy, proxyEnabled: true, trusted: $"192.168.1.1, {Proxy}");
        var cookies = await SignInAsync(web);

        Assert.That(await ScalarAsync<string>("SELECT client_address FROM ekis.security_event WHERE event = 'sign_in_succeeded'"), Is.EqualTo(Client));
        Assert.That(AuthCookie(cookies), Does.Contain("secure").IgnoreCase, "the authentication cookie is Secure behind TLS");
        Assert.That(cookies.Single(c => c.StartsWith("ekis.af=", StringComparison.Ordinal)), Does.Contain("secure").IgnoreCase,
            "so is the antiforgery cookie of a request the proxy forwarded as https");
    }

    [Test]
    public async Task A_trusted_network_is_written_as_an_address_range()
    {
        using var web = Host(peer: Proxy, proxyEnabled: true, trusted: "10.0.0.0/24");
        await SignInAsync(web);
        Assert.That(await ScalarAsync<string>("SELECT client_address FROM ekis.security_event WHERE event = 'sign_in_succeeded'"), Is.EqualTo(Client));
    }

    [Test]
    public async Task Forwarded_headers_from_an_address_that_is_not_trusted_are_ignored()
    {
        using var web = Host(peer: "198.51.100.9", proxyEnabled: true, trusted: Proxy);
        var cookies = await SignInAsync(web);
        Assert.That(await ScalarAsync<string>("SELECT client_address FROM ekis.security_event WHERE event = 'sign_in_succeeded'"), Is.EqualTo("198.51.100.9"));
        Assert.That(AuthCookie(cookies), Does.Contain("secure").IgnoreCase, "with the proxy setting on, the session cookie is Secure whatever the request");
    }

    [Test]
    public void A_wrong_trusted_proxy_entry_stops_the_start_with_a_message_naming_it()
    {
        var ex = Assert.Throws<StartupException>(() => new ProxyOptions { Enabled = true, TrustedProxies = "10.0.0.5, proxy.local" }.Parse());
        Assert.That(ex!.Message, Does.Contain("«proxy.local»"));
        var (proxies, networks) = new ProxyOptions { TrustedProxies = "10.0.0.5 ::1; 192.168.0.0/16" }.Parse();
        Assert.That(proxies.Select(p => p.ToString()), Is.EqualTo(new[] { "10.0.0.5", "::1" }));
        Assert.That(networks.Select(n => n.ToString()), Is.EqualTo(new[] { "192.168.0.0/16" }));
    }

    [Test]
    public async Task Without_the_proxy_setting_forwarded_headers_are_ignored()
    {
        using var web = Host(peer: Proxy, proxyEnabled: false, trusted: Proxy);
        var cookies = await SignInAsync(web);
        Assert.That(await ScalarAsync<string>("SELECT client_address FROM ekis.security_event WHERE event = 'sign_in_succeeded'"), Is.EqualTo(Proxy));
        Assert.That(AuthCookie(cookies), Does.Not.Contain("secure").IgnoreCase, "plain HTTP on a direct connection (the demo) keeps working");
    }

    private static WebApplicationFactory<Program> Host(string peer, bool proxyEnabled, string trusted) =>
        new EkisWebFactory().WithWebHostBuilder(b => b
            .UseSetting("Proxy:Enabled", proxyEnabled ? "true" : "false")
            .UseSetting("Proxy:TrustedProxies", trusted)
            .ConfigureServices(s => s.AddSingleton<IStartupFilter>(new PeerAddress(IPAddress.Parse(peer)))));

    /// <summary>
    /// Signs in over plain HTTP as the proxy would forward it (the test client then has to carry
    /// Secure cookies itself: a cookie jar never returns them over http). Returns every Set-Cookie seen.
    /// </summary>
    private static async Task<List<string>> SignInAsync(WebApplicationFactory<Program> web)
    {
        using var client = web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("X-Forwarded-For", Client);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var seen = new List<string>();

        var page = await client.GetAsync("/Account/Login");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        seen.AddRange(page.Headers.TryGetValues("Set-Cookie", out var first) ? first : []);
        var token = WebUtility.HtmlDecode(TokenPattern().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);

        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["login"] = "ivanova", ["password"] = TestAccounts.Password, ["__RequestVerificationToken"] = token,
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", seen.Select(c => c.Split(';')[0])));
        var signedIn = await client.SendAsync(post);
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await signedIn.Content.ReadAsStringAsync());
        seen.AddRange(signedIn.Headers.GetValues("Set-Cookie"));
        return seen;
    }

    private static string AuthCookie(IEnumerable<string> cookies) => cookies.Single(c => c.StartsWith("ekis.auth=", StringComparison.Ordinal));

    private sealed class PeerAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
