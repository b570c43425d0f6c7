using System.Net;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>
/// For every role and every page that takes an id, an id outside the role's scope answers 404 or
/// 403 — for reading and for writing. Uses the demo region and its accounts (password Demo2026!).
/// </summary>
public sealed class AccessMatrixTests : DatabaseTest
{
    protected override bool StartsFromDemo => true;

    private EkisWebFactory _web = null!;
    private Dictionary<string, long> _ids = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    [SetUp]
    public async Task SeedAsync()
    {
        _ids = new Dictionary<string, long>
        {
            ["org100001"] = await TestAccounts.UnitIdAsync(Db, "100001"),
            ["org300001"] = await TestAccounts.UnitIdAsync(Db, "300001"),
            ["teacherAssignment"] = (await ScalarAsync<long>("SELECT a.id FROM ekis.role_assignment a JOIN ekis.app_user u ON u.id = a.user_id WHERE u.login = 'teacher'")),
            ["adminUser"] = await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = 'admin'"),
            ["directorUser"] = await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = 'director'"),
        };
    }

    private string Resolve(string path) => _ids.Aggregate(path, (p, kv) => p.Replace("{" + kv.Key + "}", kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    private static IEnumerable<TestCaseData> Matrix()
    {
        // login, method, path, allowed answers
        object[][] rows =
        [
            ["director", "GET", "/Org/Card?id={org300001}", new[] { 404 }],
            ["director", "GET", "/Org/Card?id={org100001}", new[] { 200 }],
            ["director", "GET", "/Admin/Users/Edit?id={adminUser}", new[] { 403 }],
            ["director", "POST", "/Admin/Users/Edit?id={adminUser}&handler=Deactivate", new[] { 403 }],
            ["director", "GET", "/Admin/Security", new[] { 403 }],
            ["director7", "GET", "/Staff/Edit?id={teacherAssignment}", new[] { 404 }],
            ["director7", "POST", "/Staff/Edit?id={teacherAssignment}", new[] { 404 }],
            ["director7", "POST", "/Staff/Edit?id={teacherAssignment}&handler=Terminate", new[] { 404 }],
            ["director7", "GET", "/Org/Card?id={org100001}", new[] { 404 }],
            ["director", "GET", "/Staff/Edit?id={teacherAssignment}", new[] { 200 }],
            ["teacher", "GET", "/Org/Card?id={org300001}", new[] { 404 }],
            ["teacher", "GET", "/Staff/Edit?id={teacherAssignment}", new[] { 403 }],
            ["teacher", "POST", "/Staff/Edit?id={teacherAssignment}", new[] { 403 }],
            ["teacher", "GET", "/Admin/Users", new[] { 403 }],
            ["operator", "GET", "/Org/Card?id={org300001}", new[] { 404 }],
            ["operator", "GET", "/Org/Card?id={org100001}", new[] { 200 }],
            ["operator", "GET", "/Staff/Edit?id={teacherAssignment}", new[] { 403 }],
            ["operator", "POST", "/Admin/Users/Edit?id={directorUser}&handler=Deactivate", new[] { 403 }],
            ["analyst", "GET", "/Admin/Users/Edit?id={adminUser}", new[] { 404 }],
            ["analyst", "POST", "/Admin/Users/Edit?id={adminUser}&handler=Deactivate", new[] { 404 }],
            ["analyst", "POST", "/Admin/Users/Edit?id={adminUser}&handler=Grant", new[] { 404 }],
            ["analyst", "GET", "/Admin/Users/Edit?id={directorUser}", new[] { 200 }],
            ["analyst", "GET", "/Admin/Security", new[] { 403 }],
            ["analyst", "GET", "/admin/jobs", new[] { 403 }],
            ["admin", "GET", "/Admin/Users/Edit?id={adminUser}", new[] { 200 }],
            ["admin", "GET", "/Org/Card?id={org300001}", new[] { 200 }],
            ["admin", "GET", "/Admin/Security", new[] { 200 }],
            ["admin", "GET", "/admin/jobs", new[] { 200 }],
            ["admin", "GET", "/Org/Card?id=999999999", new[] { 404 }],
        ];
        foreach (var r in rows)
            yield return new TestCaseData(r[0], r[1], r[2], r[3]).SetName($"{r[0]} {r[1]} {r[2]} answers {string.Join("/", (int[])r[3])}");
    }

    [TestCaseSource(nameof(Matrix))]
    public async Task Access(string login, string method, string path, int[] allowed)
    {
        var client = await TestAccounts.SignInAsync(_web, login, DemoAccounts.Password);
        var url = Resolve(path);
        var response = method == "GET"
            ? await client.GetAsync(url)
            : await TestAccounts.PostFormAsync(client, url, new() { ["canFill"] = "true", ["canSubmit"] = "true", ["role"] = "admin" }, tokenPage: "/Account/ChangePassword");
        Assert.That((int)response.StatusCode, Is.AnyOf(allowed.Cast<object>().ToArray()), $"{login} {method} {url}");

        if (method == "POST" && !allowed.Contains(200))
        {
            // Nothing was changed by a refused write.
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.app_user WHERE status <> 'active'"), Is.Zero);
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.role_assignment WHERE status <> 'active'"), Is.Zero);
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.assignment_right WHERE \"right\" = 'submit'"), Is.Zero);
        }
    }

    [Test]
    public async Task A_form_post_without_the_antiforgery_token_is_rejected()
    {
        var client = await TestAccounts.SignInAsync(_web, "director", DemoAccounts.Password);
        var response = await client.PostAsync(Resolve("/Staff/Edit?id={teacherAssignment}"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["canSubmit"] = "true" }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.assignment_right WHERE \"right\" = 'submit'"), Is.Zero);
    }

    [Test]
    public async Task Anonymous_requests_are_sent_to_sign_in_and_health_stays_open()
    {
        var client = TestAccounts.Client(_web);
        var page = await client.GetAsync("/Org");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(page.Headers.Location!.ToString(), Does.Contain("/Account/Login"));
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_terminated_assignment_loses_access_on_its_next_request()
    {
        var client = await TestAccounts.SignInAsync(_web, "teacher", DemoAccounts.Password);
        Assert.That((await client.GetAsync("/Org")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var director = await TestAccounts.SignInAsync(_web, "director", DemoAccounts.Password);
        var end = await TestAccounts.PostFormAsync(director, Resolve("/Staff/Edit?id={teacherAssignment}&handler=Terminate"), new(), tokenPage: "/Staff");
        Assert.That(end.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));

        var next = await client.GetAsync("/Org");
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(next.Headers.Location!.ToString(), Does.Contain("/Account/Login"));
    }

    [Test]
    public async Task A_deactivated_person_is_signed_out_on_the_next_request()
    {
        var client = await TestAccounts.SignInAsync(_web, "director7", DemoAccounts.Password);
        var admin = await TestAccounts.SignInAsync(_web, "admin", DemoAccounts.Password);
        var id = await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = 'director7'");
        var off = await TestAccounts.PostFormAsync(admin, $"/Admin/Users/Edit?id={id}&handler=Deactivate", new(), tokenPage: $"/Admin/Users/Edit?id={id}");
        Assert.That(off.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));

        var next = await client.GetAsync("/Org");
        Assert.That(next.Headers.Location?.ToString(), Does.Contain("/Account/Login"));
        Assert.That(await ScalarAsync<string>("SELECT actor FROM ekis.security_event WHERE event = 'user_deactivated'"),
            Is.EqualTo($"user:{_ids["adminUser"]}"));
    }

    [Test]
    public async Task Wrong_passwords_through_the_login_page_end_in_a_lockout_message()
    {
        var client = TestAccounts.Client(_web);
        string html = "";
        for (var i = 0; i < 5; i++)
        {
            var r = await TestAccounts.PostFormAsync(client, "/Account/Login", new() { ["login"] = "director", ["password"] = "wrong" + i });
            html = await r.Content.ReadAsStringAsync();
        }
        Assert.That(html, Does.Contain("Слишком много неудачных попыток"));
    }

    [Test]
    public async Task A_person_with_two_roles_chooses_one_and_can_switch()
    {
        var id = await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = 'operator'");
        await ExecuteAsAsync(Actor.Cli, "INSERT INTO ekis.role_assignment (user_id, role, org_unit_id) VALUES ($1, 'municipal_operator', (SELECT id FROM ekis.org_unit WHERE ekis_code = 'M-OZR'))", id);

        var client = TestAccounts.Client(_web);
        var login = await TestAccounts.PostFormAsync(client, "/Account/Login", new() { ["login"] = "operator", ["password"] = DemoAccounts.Password });
        Assert.That(login.Headers.Location!.ToString(), Does.Contain("/Account/ChooseRole"));
        Assert.That((await client.GetAsync("/Org")).Headers.Location!.ToString(), Does.Contain("/Account/ChooseRole"), "no page before a role is chosen");

        var ozr = await ScalarAsync<long>("SELECT a.id FROM ekis.role_assignment a JOIN ekis.org_unit o ON o.id = a.org_unit_id WHERE o.ekis_code = 'M-OZR'");
        var chose = await TestAccounts.PostFormAsync(client, "/Account/ChooseRole", new() { ["assignmentId"] = ozr.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.That(chose.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await client.GetAsync(Resolve("/Org/Card?id={org300001}"))).StatusCode, Is.EqualTo(HttpStatusCode.OK), "Озёрск is now in scope");
        Assert.That((await client.GetAsync(Resolve("/Org/Card?id={org100001}"))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "Северный is not");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.security_event WHERE event = 'role_switched'"), Is.EqualTo(1));
    }

    [TestCase("//evil.example/phish")]
    [TestCase("https://evil.example/")]
    [TestCase("/\\evil.example")]
    public async Task Sign_in_never_redirects_to_another_site(string returnUrl)
    {
        var client = TestAccounts.Client(_web);
        var r = await TestAccounts.PostFormAsync(client, "/Account/Login", new() { ["login"] = "director", ["password"] = DemoAccounts.Password, ["returnUrl"] = returnUrl });
        Assert.That(r.Headers.Location!.ToString(), Is.EqualTo("/"));
    }
}
