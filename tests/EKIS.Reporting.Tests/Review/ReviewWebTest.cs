using System.Net;
using Dapper;
using EKIS.Reporting.Tests.Campaigns;
using EKIS.Reporting.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EKIS.Reporting.Tests.Review;

/// <summary>
/// The campaign test kit's region and campaign, with the real web app in-process standing on the same
/// fixed day as the slices (its TimeProvider is the test's clock), and sign-in through the login page.
/// </summary>
public abstract class ReviewWebTest : CampaignTest
{
    private EkisWebFactory _base = null!;
    private WebApplicationFactory<Program> _web = null!;
    private readonly FixedClock _webClock = new(Today);

    [OneTimeSetUp]
    public void StartWeb()
    {
        _base = new EkisWebFactory();
        _web = _base.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_webClock)));
    }

    [OneTimeTearDown]
    public void StopWeb()
    {
        _web.Dispose();
        _base.Dispose();
    }

    [SetUp]
    public void SetWebClock() => _webClock.Today = Today;

    /// <summary>Moves both the slices' and the web app's clock.</summary>
    protected void SetToday(DateOnly day)
    {
        Clock.Today = day;
        _webClock.Today = day;
    }

    protected async Task<HttpClient> SignInAsync(string login)
    {
        var client = _web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await TestAccounts.PostFormAsync(client, "/Account/Login", new() { ["login"] = login, ["password"] = TestAccounts.Password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"sign-in of {login}");
        return client;
    }

    protected static async Task<string> GetHtmlAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(expected), path + (response.StatusCode == HttpStatusCode.InternalServerError ? await response.Content.ReadAsStringAsync() : ""));
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    /// <summary>POSTs a form with a valid antiforgery token taken from <paramref name="page"/>.</summary>
    protected static Task<HttpResponseMessage> PostAsync(HttpClient client, string page, string handler, Dictionary<string, string> fields, string? tokenPage = null) =>
        TestAccounts.PostFormAsync(client, handler.Length == 0 ? page : $"{page}?handler={handler}", fields, tokenPage ?? page);

    protected static async Task<string> BodyAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    protected static async Task<string> StatusAsync(long reportId)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<string>("SELECT status FROM ekis.report WHERE id = @reportId", new { reportId }) ?? "";
    }

    protected static async Task<int> TransitionsAsync(long reportId)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<int>("SELECT count(*)::int FROM ekis.report_transition WHERE report_id = @reportId", new { reportId });
    }

    /// <summary>
    /// The database stamps transitions with its own clock; tests standing on a fixed day put the sends of
    /// a report on that day (09:00 UTC), as they would be in real life.
    /// </summary>
    protected static Task SetSentOnAsync(long reportId, DateOnly day) =>
        ExecuteAsAsync(EKIS.Reporting.Infrastructure.Actors.Actor.Cli,
            // "Sent at" has one home, report.submitted_at (issue 11); the transition row keeps the same time.
            """
            WITH t AS (UPDATE ekis.report_transition SET at = $2 WHERE report_id = $1 AND to_status = 'submitted')
            UPDATE ekis.report SET submitted_at = $2 WHERE id = $1 AND submitted_at IS NOT NULL
            """,
            reportId, new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero));

    /// <summary>Follows a 303 to the page it names and returns its text (where the status message is shown).</summary>
    protected static async Task<string> FollowAsync(HttpClient client, HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await BodyAsync(response));
        return await GetHtmlAsync(client, response.Headers.Location!.ToString());
    }
}
