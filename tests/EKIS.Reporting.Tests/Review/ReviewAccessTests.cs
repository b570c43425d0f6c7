using System.Net;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Tests.Review;

/// <summary>Issue 6, "Bad input and security": the access matrix of the campaign and review pages.</summary>
public sealed class ReviewAccessTests : ReviewWebTest
{
    private string[] Pages(long reportId) =>
    [
        "/Campaigns", "/Campaigns/New", $"/Campaigns/{CampaignId}/Progress", $"/Campaigns/{CampaignId}/Progress?handler=Xlsx",
        $"/Campaigns/{CampaignId}/Respondents", "/Review", $"/Review?campaign={CampaignId}", $"/Review/Report/{reportId}",
    ];

    [TestCase("t-director")]
    [TestCase("t-submitter")]
    public async Task A_school_role_gets_403_on_every_campaign_and_review_page_and_post(string login)
    {
        var id = await SubmittedReportAsync();
        var director = await SignInAsync(login);
        foreach (var page in Pages(id))
            Assert.That((await director.GetAsync(page)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), page);
        // A POST with a valid token (taken from a page the director may open) is still refused by role.
        foreach (var (page, handler) in new[] { ($"/Review/Report/{id}", "Accept"), ($"/Review/Report/{id}", "Return"), ("/Review", "AcceptClean"),
                     ($"/Campaigns/{CampaignId}/Progress", "Status"), ($"/Campaigns/{CampaignId}/Respondents", "Drop"), ("/Campaigns/New", "") })
        {
            var response = await PostAsync(director, page, handler, new() { ["comment"] = "x", ["campaign"] = CampaignId.ToString(), ["code"] = "100002", ["reason"] = "x" }, "/Account/ChangePassword");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{page} {handler}");
        }
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.Submitted));
    }

    [Test]
    public async Task Another_municipalitys_operator_gets_404_for_the_report_on_get_and_post_and_nothing_changes()
    {
        var id = await SubmittedReportAsync();
        var other = await SignInAsync("t-operator-ozr");
        await GetHtmlAsync(other, $"/Review/Report/{id}", HttpStatusCode.NotFound);
        var transitions = await TransitionsAsync(id);
        foreach (var handler in new[] { "Accept", "Return", "Withdraw", "Extend", "Reopen" })
        {
            var response = await PostAsync(other, $"/Review/Report/{id}", handler,
                new() { ["comment"] = "x", ["reason"] = "x", ["until"] = "2026-10-20" }, "/Review");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), handler);
        }
        Assert.That((await StatusAsync(id), await TransitionsAsync(id)), Is.EqualTo((ReportStatus.Submitted, transitions)));
        var queue = await GetHtmlAsync(other, $"/Review?campaign={CampaignId}&status=all");
        Assert.That(queue, Does.Not.Contain($"/Review/Report/{id}"));
        var progress = await GetHtmlAsync(other, $"/Campaigns/{CampaignId}/Progress");
        Assert.That(progress, Does.Not.Contain("ГО Северный"));
        // The Озёрск operator's bulk acceptance does not reach Северный's reports.
        await PostAsync(other, "/Review", "AcceptClean", new() { ["campaign"] = CampaignId.ToString() }, $"/Review?campaign={CampaignId}");
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.Submitted));
        await GetHtmlAsync(other, "/Review/Report/999999999", HttpStatusCode.NotFound);
        await GetHtmlAsync(other, "/Campaigns/999999999/Progress", HttpStatusCode.NotFound);
    }

    [Test]
    public async Task An_operator_cannot_take_the_regions_actions_on_a_report_of_their_municipality()
    {
        var id = await SubmittedReportAsync();
        var op = await SignInAsync("t-operator");
        var extend = await PostAsync(op, $"/Review/Report/{id}", "Extend", new() { ["until"] = "2026-10-20", ["reason"] = "x" });
        Assert.That(extend.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await BodyAsync(extend), Does.Contain("Продлевать срок может только аналитик департамента"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.audit_event WHERE action = 'extension'"), Is.Zero);
        Assert.That((await op.GetAsync($"/Campaigns/{CampaignId}/Respondents")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_post_without_the_antiforgery_token_is_400_and_changes_nothing()
    {
        var id = await SubmittedReportAsync();
        var op = await SignInAsync("t-operator");
        var analyst = await SignInAsync("t-analyst");
        var before = await ScalarAsync<long>("SELECT count(*) FROM ekis.campaign");
        foreach (var (client, path) in new[]
                 {
                     (op, $"/Review/Report/{id}?handler=Accept"), (op, "/Review?handler=AcceptClean"),
                     (analyst, "/Campaigns/New"), (analyst, $"/Campaigns/{CampaignId}/Progress?handler=Status"),
                     (analyst, $"/Campaigns/{CampaignId}/Respondents?handler=Drop"),
                 })
        {
            var response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["comment"] = "x", ["campaign"] = CampaignId.ToString(), ["from"] = "open", ["to"] = "closed", ["reason"] = "x", ["code"] = "100002",
                ["Input.TemplateVersionId"] = TemplateId.ToString(), ["Input.Year"] = "2026", ["Input.Period"] = "1299", ["Input.DueDate"] = "2026-12-01",
            }));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), path);
        }
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.Submitted));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.campaign"), Is.EqualTo(before));
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.campaign WHERE id = $1", CampaignId), Is.EqualTo("open"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.campaign_respondent WHERE dropped_at IS NOT NULL"), Is.Zero);
        });
    }

    [TestCase("t-admin")]
    [TestCase("t-analyst")]
    [TestCase("t-operator")]
    public async Task Reviewers_open_every_page_their_role_allows(string login)
    {
        await Support.TestAccounts.CreateAsync(Db, "t-admin", EKIS.Reporting.Features.Access.Roles.Admin, null);
        var id = await SubmittedReportAsync();
        var client = await SignInAsync(login);
        var managers = login != "t-operator";
        foreach (var page in Pages(id))
        {
            var expected = !managers && (page.StartsWith("/Campaigns/New", StringComparison.Ordinal) || page.EndsWith("/Respondents", StringComparison.Ordinal))
                ? HttpStatusCode.Forbidden : HttpStatusCode.OK;
            Assert.That((await client.GetAsync(page)).StatusCode, Is.EqualTo(expected), page);
        }
    }
}
