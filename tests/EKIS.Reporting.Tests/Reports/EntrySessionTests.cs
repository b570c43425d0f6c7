using System.Net;
using System.Net.Http.Json;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>
/// Issue 10, point 1: the entry page's JSON endpoints answer 401 (no session, or a session that
/// <c>SessionValidation</c> rejects) and 403 (not allowed) — never a 302 to the sign-in page, which
/// <c>fetch</c> would follow to a 200 that looks like success.
/// </summary>
public sealed class EntrySessionTests : ReportPageTest
{
    /// <summary>What entry.js sends with every fetch.</summary>
    private static void AsFetch(HttpRequestMessage request)
    {
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        request.Headers.Accept.ParseAdd("application/json");
    }

    /// <summary>Every handler the entry page calls with fetch, as entry.js calls it.</summary>
    private static IEnumerable<(string Name, Func<long, string?, HttpRequestMessage> Request)> Endpoints()
    {
        HttpRequestMessage Post(long id, string handler, object body, string? token)
        {
            var r = new HttpRequestMessage(HttpMethod.Post, $"/Reports/Fill/{id}?handler={handler}") { Content = JsonContent.Create(body) };
            if (token is not null) r.Headers.Add("RequestVerificationToken", token);
            AsFetch(r);
            return r;
        }
        yield return ("Save", (id, token) => Post(id, "Save", new { rowVersion = 1, cells = new[] { Cell("1", "01", "3", "60") } }, token));
        yield return ("Check", (id, token) => Post(id, "Check", new { }, token));
        yield return ("Explain", (id, token) => Post(id, "Explain", new { controlId = "7", explanation = "пояснение" }, token));
        yield return ("Comment", (id, token) => Post(id, "Comment", new { section = "1", row = "01", column = "3", comment = "комментарий" }, token));
        yield return ("CellHistory", (id, _) =>
        {
            var r = new HttpRequestMessage(HttpMethod.Get, $"/Reports/Fill/{id}?handler=CellHistory&section=1&row=01&column=3");
            AsFetch(r);
            return r;
        });
    }

    private static async Task AssertSignInAgainAsync(HttpResponseMessage response, string endpoint)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{endpoint}: {(int)response.StatusCode} {response.Headers.Location} {body[..Math.Min(body.Length, 200)]}");
        Assert.That(response.Headers.Location, Is.Null, $"{endpoint}: no redirect");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), endpoint);
        var json = await JsonAsync(response);
        Assert.That(json.GetProperty("ok").GetBoolean(), Is.False, endpoint);
        Assert.That(json.GetProperty("message").GetString(), Does.Contain("Войдите снова"), endpoint);
    }

    [Test]
    public async Task Every_json_endpoint_of_the_entry_page_answers_401_without_a_session_and_never_redirects()
    {
        var id = await StartedReportAsync();
        var anonymous = TestAccounts.Client(Web);
        foreach (var (name, request) in Endpoints())
        {
            using var r = request(id, "any-token");
            await AssertSignInAgainAsync(await anonymous.SendAsync(r), name);
        }
        Assert.That(await ValueCountAsync(id), Is.Zero);

        // A page opened in the browser still goes to the sign-in page.
        using var page = new HttpRequestMessage(HttpMethod.Get, $"/Reports/Fill/{id}");
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var redirect = await anonymous.SendAsync(page);
        Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(redirect.Headers.Location!.ToString(), Does.Contain("/Account/Login"));
    }

    [Test]
    public async Task A_json_body_posted_without_the_fetch_headers_is_still_answered_401()
    {
        // Other tools (the load test) post the save contract without entry.js's headers.
        var id = await StartedReportAsync();
        var response = await PostJsonAsync(TestAccounts.Client(Web), $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = 1, cells = new[] { Cell("1", "01", "3", "60") } }, "any-token");
        await AssertSignInAgainAsync(response, "Save without X-Requested-With");
    }

    [TestCase("stamp")]
    [TestCase("deactivated")]
    public async Task A_session_that_validation_rejects_answers_401_on_every_json_endpoint(string how)
    {
        var id = await StartedReportAsync();
        var client = await SignInAsync("t-director");
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        using (var before = Endpoints().First().Request(id, token))
            Assert.That((await client.SendAsync(before)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the session works before");

        // A password change elsewhere renews the security stamp; deactivation ends the person's sessions.
        await ExecuteAsAsync(Actor.Cli, how == "stamp"
            ? "UPDATE ekis.app_user SET security_stamp = gen_random_uuid() WHERE id = $1"
            : "UPDATE ekis.app_user SET status = 'deactivated' WHERE id = $1", Director.UserId);
        foreach (var (name, request) in Endpoints())
        {
            using var r = request(id, token);
            await AssertSignInAgainAsync(await client.SendAsync(r), name);
        }
        Assert.That(await ScalarAsync<string>(
            "SELECT v.value::text FROM ekis.report_value v JOIN ekis.template_cell c USING (cell_id) WHERE v.report_id = $1 AND c.row_code = '01'", id),
            Is.EqualTo("60"), "only the save made before the session ended is stored");
    }

    [Test]
    public async Task A_json_request_the_role_may_not_make_answers_403_with_a_message()
    {
        var client = await SignInAsync("t-director");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Admin/Security");
        AsFetch(request);
        var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var json = await JsonAsync(response);
        Assert.That(json.GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(json.GetProperty("message").GetString(), Does.Contain("нет прав"));
    }

    [Test]
    public async Task A_json_request_before_a_role_is_chosen_is_refused_without_a_redirect()
    {
        await ExecuteAsAsync(Actor.Cli, "INSERT INTO ekis.role_assignment (user_id, role, org_unit_id) VALUES ($1, 'director', $2)", Director.UserId, Lyceum7);
        var id = await StartedReportAsync();
        var client = TestAccounts.Client(Web);
        var login = await TestAccounts.PostFormAsync(client, "/Account/Login", new() { ["login"] = "t-director", ["password"] = TestAccounts.Password });
        Assert.That(login.Headers.Location!.ToString(), Does.Contain("/Account/ChooseRole"));

        using var request = Endpoints().Single(e => e.Name == "CellHistory").Request(id, null);
        var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Headers.Location, Is.Null);
        Assert.That((await JsonAsync(response)).GetProperty("message").GetString(), Does.Contain("Выберите роль"));
    }
}
