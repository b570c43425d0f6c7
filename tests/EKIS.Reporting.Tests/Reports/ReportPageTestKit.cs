using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Campaigns;
using EKIS.Reporting.Tests.Support;
using EKIS.Reporting.Tests.Templates;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>
/// The report pages through the real web app in-process (real sign-in, antiforgery, scope). The
/// campaign uses the monthly contingent form with two additions that the shipped forms lack: a
/// warning control (7: row 02 ≤ 10) and a «х» cell (row 07). Its due date lies ahead of the real
/// clock the web app runs on.
/// </summary>
public abstract partial class ReportPageTest : CampaignTest
{
    protected EkisWebFactory Web { get; private set; } = null!;
    protected long EntryCampaignId { get; private set; }

    [OneTimeSetUp]
    public void StartWeb() => Web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => Web.Dispose();

    protected static DateOnly RealToday => DateOnly.FromDateTime(DateTime.Now);

    /// <summary>The monthly form with a warning control and a «х» row, as its own template version.</summary>
    public static string EntryTemplateXml()
    {
        var xml = File.ReadAllText(TemplateTestKit.RepoPath("templates", "forms", "dept-contingent-monthly.xml"));
        xml = xml.Replace(" version=\"01-09-2025\"", " version=\"01-09-2025-entry\"", StringComparison.Ordinal);
        xml = xml.Replace("""<cell column="3" format="N(4,1)"/></row>""",
            """<cell column="3" format="N(4,1)"/></row><row code="07" type="F" name="Резерв (не заполняется)"><cell column="3" inputType="0"/></row>""",
            StringComparison.Ordinal);
        xml = xml.Replace("</controls>",
            """<control id="7" name="Прибывших за месяц (стр. 02) не больше 10 — проверьте" condition="" rule="{[1][02][3]} |&lt;=| 10" tip="0"/></controls>""",
            StringComparison.Ordinal);
        return xml;
    }

    [SetUp]
    public async Task EntrySetUpAsync()
    {
        // The base campaign runs on a fixed clock in October; the pages run on the real one.
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.campaign SET status = 'closed' WHERE id = $1", CampaignId);
        var template = await Templates.LoadAsync(Actor.Cli, "entry-test.xml", EntryTemplateXml());
        EntryCampaignId = (await Open.OpenAsync(Analyst, As(Analyst),
            new OpenCampaign.Command(template.Id, 2026, "1211", RealToday.AddDays(20), Kinds: ["general"]))).CampaignId;
    }

    protected Task<HttpClient> SignInAsync(string login) => TestAccounts.SignInAsync(Web, login);

    protected async Task<long> StartedReportAsync()
    {
        var id = await Start.StartAsync(Director, As(Director), EntryCampaignId, School1);
        return id!.Value;
    }

    protected static async Task<string> TokenAsync(HttpClient client, string page = "/Reports/My") =>
        await TestAccounts.AntiforgeryTokenAsync(client, page);

    protected static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, object body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (token is not null) request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    protected static object Cell(string section, string row, string column, string? value, string? s1 = null) =>
        new { section, row, column, s1, s2 = (string?)null, s3 = (string?)null, value };

    /// <summary>The clean October-style report of School № 1 as the JSON cells of a save.</summary>
    protected static object[] CleanJsonCells(string arrived = "0") =>
    [
        Cell("1", "01", "3", "60"), Cell("1", "02", "3", arrived), Cell("1", "03", "3", "0"), Cell("1", "04", "3", "25"),
        Cell("1", "05", "3", "3"), Cell("1", "06", "3", "20,0"),
        Cell("2", "01", "3", "1", "1"), Cell("2", "01", "4", "25", "1"), Cell("2", "01", "3", "2", "2"), Cell("2", "01", "4", "35", "2"),
    ];

    /// <summary>Every title field the page lets a school type (the ОКПО and the name come from the registry).</summary>
    protected static readonly object FullJsonTitle = new
    {
        leader_fio = "Иванова Ольга Сергеевна", responsible_post = "заместитель директора",
        responsible_fio = "Петров Пётр Петрович", phone = "+7 900 000-00-00", email = "school1@example.org",
    };

    protected static Task<JsonElement> SaveCleanAsync(HttpClient client, long reportId) => SaveOkAsync(client, reportId, CleanJsonCells(), FullJsonTitle);

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    protected static async Task<int> RowVersionAsync(long reportId) =>
        (int)await ScalarAsync<long>("SELECT row_version::bigint FROM ekis.report WHERE id = $1", reportId);

    protected static Task<long> ValueCountAsync(long reportId) =>
        ScalarAsync<long>("SELECT count(*) FROM ekis.report_value WHERE report_id = $1", reportId);

    protected static Task<string?> StatusAsync(long reportId) =>
        ScalarAsync<string>("SELECT status FROM ekis.report WHERE id = $1", reportId);

    /// <summary>Saves through the page's JSON endpoint with the report's current row version; asserts 200.</summary>
    protected static async Task<JsonElement> SaveOkAsync(HttpClient client, long reportId, object[] cells, object? title = null)
    {
        var token = await TokenAsync(client, $"/Reports/Fill/{reportId}");
        var response = await PostJsonAsync(client, $"/Reports/Fill/{reportId}?handler=Save",
            new { rowVersion = await RowVersionAsync(reportId), cells, title }, token);
        var json = await JsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToString());
        return json;
    }

    protected static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, long reportId, int? rowVersion = null, string? tokenPage = null)
    {
        var token = await TokenAsync(client, tokenPage ?? $"/Reports/Fill/{reportId}");
        return await client.PostAsync($"/Reports/Fill/{reportId}?handler=Submit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["rowVersion"] = (rowVersion ?? await RowVersionAsync(reportId)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["__RequestVerificationToken"] = token,
        }));
    }

    protected static string Decode(string html) => WebUtility.HtmlDecode(html);

    protected static int Count(string html, string pattern) => Regex.Matches(html, pattern).Count;
}
