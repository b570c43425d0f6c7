using System.Net;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>
/// Issue 10, point 12: <c>returnUrl=/%09/evil</c> answered 500 after sign-in (the page's own check let
/// it through, the framework's redirect refused it). Every place that honours a returnUrl follows one
/// local-URL rule: anything that a browser could read as another site goes to the start page.
/// </summary>
public sealed class ReturnUrlTests : DatabaseTest
{
    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    // As they arrive in the query string (percent-encoded the way a link or the sign-in redirect carries them).
    private static readonly string[] Unsafe =
    [
        "/%09/evil.example",          // a tab, which browsers drop: //evil.example
        "%2F%09%2Fevil.example",
        "/%0D%0A/evil.example",
        "//evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",           // /\evil.example, read as //evil.example
        "/%5C%5Cevil.example",
        "%5C%5Cevil.example",
        "https%3A%2F%2Fevil.example%2F",
        "http:evil.example",
        "%20//evil.example",
        "/%00/evil.example",
    ];

    private static IEnumerable<string> UnsafeValues() => Unsafe;

    [SetUp]
    public async Task CreateAccountsAsync()
    {
        await TestAccounts.CreateAsync(Db, "ivanova", Roles.Admin, null);
        await ExecuteAsAsync(Actor.Cli, "INSERT INTO ekis.org_unit (level, ekis_code, name) VALUES ('region', 'R-T', 'Тестовая область')");
        var twoRoles = await TestAccounts.CreateAsync(Db, "petrova", Roles.Admin, null);
        await ExecuteAsAsync(Actor.Cli, "INSERT INTO ekis.role_assignment (user_id, role, org_unit_id) SELECT $1, 'regional_analyst', id FROM ekis.org_unit WHERE ekis_code = 'R-T'",
            twoRoles.UserId);
    }

    [TestCaseSource(nameof(UnsafeValues))]
    public async Task An_unsafe_returnUrl_opens_the_sign_in_page_and_leads_home_after_sign_in(string returnUrl)
    {
        var client = TestAccounts.Client(_web);
        var page = await client.GetAsync("/Account/Login?returnUrl=" + returnUrl);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Not.Contain("evil.example"), "the unsafe address is not carried into the form");

        var signedIn = await TestAccounts.PostFormAsync(client, "/Account/Login?returnUrl=" + returnUrl,
            new() { ["login"] = "ivanova", ["password"] = TestAccounts.Password }, tokenPage: "/Account/Login");
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "never a 500");
        Assert.That(signedIn.Headers.Location!.OriginalString, Is.EqualTo("/"));
    }

    [TestCaseSource(nameof(UnsafeValues))]
    public async Task An_unsafe_returnUrl_leads_home_after_choosing_a_role(string returnUrl)
    {
        var client = TestAccounts.Client(_web);
        var signedIn = await TestAccounts.PostFormAsync(client, "/Account/Login",
            new() { ["login"] = "petrova", ["password"] = TestAccounts.Password }, tokenPage: "/Account/Login");
        Assert.That(signedIn.Headers.Location!.OriginalString, Does.StartWith("/Account/ChooseRole"), "two roles: the picker comes first");

        var picker = await client.GetAsync("/Account/ChooseRole?returnUrl=" + returnUrl);
        Assert.That(picker.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var assignment = await ScalarAsync<long>("SELECT a.id FROM ekis.role_assignment a JOIN ekis.app_user u ON u.id = a.user_id WHERE u.login = 'petrova' AND a.role = 'admin'");
        var chosen = await TestAccounts.PostFormAsync(client, "/Account/ChooseRole?returnUrl=" + returnUrl,
            new() { ["assignmentId"] = assignment.ToString(System.Globalization.CultureInfo.InvariantCulture) }, tokenPage: "/Account/ChooseRole");
        Assert.That(chosen.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "never a 500");
        Assert.That(chosen.Headers.Location!.OriginalString, Is.EqualTo("/"));
    }

    [TestCase("/Admin/Security?page=2", "/Admin/Security?page=2")]
    [TestCase("%2FAdmin%2FSecurity", "/Admin/Security")]
    [TestCase("/", "/")]
    public async Task A_local_returnUrl_is_followed_after_sign_in(string returnUrl, string expected)
    {
        var client = TestAccounts.Client(_web);
        var signedIn = await TestAccounts.PostFormAsync(client, "/Account/Login?returnUrl=" + returnUrl,
            new() { ["login"] = "ivanova", ["password"] = TestAccounts.Password }, tokenPage: "/Account/Login");
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(signedIn.Headers.Location!.OriginalString, Is.EqualTo(expected));
    }

    [TestCase("/", true)]
    [TestCase("/Reports/My?campaign=3#top", true)]
    [TestCase("/Account/Login?returnUrl=%2F%2Fevil", true)]
    [TestCase("", false)]
    [TestCase(null, false)]
    [TestCase("Reports/My", false)]
    [TestCase("//evil.example", false)]
    [TestCase("/\\evil.example", false)]
    [TestCase("/\tevil", false)]
    [TestCase("/\t/evil.example", false)]
    [TestCase("/\n/evil.example", false)]
    [TestCase("/\u007f/evil.example", false)]
    [TestCase("/\u0085/evil.example", false)]
    [TestCase("/a\\..\\..\\/evil.example", false)]
    [TestCase("https://evil.example", false)]
    [TestCase(" /Reports", false)]
    public void The_local_url_rule_accepts_only_paths_of_this_site(string? url, bool local) =>
        Assert.That(EKIS.Reporting.Web.Infrastructure.LocalUrl.OrNull(url), local ? Is.EqualTo(url) : Is.Null);

    [Test]
    public void The_local_url_rule_refuses_an_overlong_address() =>
        Assert.That(EKIS.Reporting.Web.Infrastructure.LocalUrl.OrHome("/" + new string('a', EKIS.Reporting.Web.Infrastructure.LocalUrl.MaxLength)), Is.EqualTo("/"));

    [Test]
    public async Task The_sign_in_redirect_of_an_anonymous_visit_carries_a_returnUrl_that_works()
    {
        var client = TestAccounts.Client(_web);
        var anonymous = await client.GetAsync("/Admin/Security?page=1");
        var login = anonymous.Headers.Location!.OriginalString;
        Assert.That(login, Does.StartWith("/Account/Login").Or.Contains("/Account/Login"));
        var query = new Uri(new Uri("http://localhost"), login).Query;
        var signedIn = await TestAccounts.PostFormAsync(client, "/Account/Login" + query,
            new() { ["login"] = "ivanova", ["password"] = TestAccounts.Password }, tokenPage: "/Account/Login");
        Assert.That(signedIn.Headers.Location!.OriginalString, Is.EqualTo("/Admin/Security?page=1"));
    }
}
