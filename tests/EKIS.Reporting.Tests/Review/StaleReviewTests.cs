using System.Net;
using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Tests.Review;

/// <summary>
/// A reviewer acts on the report they saw: the review page posts the report's version, and an
/// action taken from a page opened before the report changed is refused (no acceptance of content
/// nobody reviewed). An extension does not change the report's content, so it invalidates nothing.
/// </summary>
public sealed partial class StaleReviewTests : ReviewWebTest
{
    private static string Page(long id) => $"/Review/Report/{id}";

    [GeneratedRegex("name=\"rowVersion\" value=\"(\\d+)\"")]
    private static partial Regex RowVersionField();

    [Test]
    public async Task Accepting_from_a_page_opened_before_a_return_and_resubmission_is_refused()
    {
        var id = await SubmittedReportAsync();
        var operatorB = await SignInAsync("t-operator");
        var seen = RowVersionField().Match(await GetHtmlAsync(operatorB, Page(id))).Groups[1].Value;
        Assert.That(seen, Is.Not.Empty, "the page posts the version it shows");

        // Meanwhile the report is returned and sent again.
        var returned = await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "исправьте стр. 02");
        Assert.That(returned.Ok, Is.True, returned.Message);
        var resent = await Review.SubmitAsync(Director, As(Director), id);
        Assert.That(resent.Ok, Is.True, resent.Message);
        var transitions = await TransitionsAsync(id);

        var stale = await PostAsync(operatorB, Page(id), "Accept", new() { ["comment"] = "", ["rowVersion"] = seen });
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(await BodyAsync(stale), Does.Contain("Отчёт изменился после того, как вы открыли эту страницу"));
            Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.Submitted));
            Assert.That(await TransitionsAsync(id), Is.EqualTo(transitions));
        });

        var fresh = RowVersionField().Match(await GetHtmlAsync(operatorB, Page(id))).Groups[1].Value;
        var accepted = await PostAsync(operatorB, Page(id), "Accept", new() { ["comment"] = "", ["rowVersion"] = fresh });
        Assert.That(await FollowAsync(operatorB, accepted), Does.Contain("Отчёт принят."));
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.AcceptedByMunicipality));
    }

    [Test]
    public async Task An_extension_keeps_the_schools_open_form_saving_and_is_refused_for_a_sent_report()
    {
        var id = (await Start.StartAsync(Director, As(Director), CampaignId, School1))!.Value;
        var version = await ScalarAsync<int>("SELECT row_version FROM ekis.report WHERE id = $1", id);
        var extended = await Review.GrantExtensionAsync(Analyst, As(Analyst), id, Due.AddDays(5), "больничный директора");
        Assert.That(extended.Ok, Is.True, extended.Message);
        var saved = await Save.SaveAsync(Director, As(Director), new(id, version, [new CellValue("1", "01", "3", "100")]));
        Assert.That(saved.Ok, Is.True, "the page opened before the extension still saves: " + saved.Message);

        var sent = await SubmittedReportAsync();
        var refused = await Review.GrantExtensionAsync(Analyst, As(Analyst), sent, Due.AddDays(5), "ошибка");
        Assert.That(refused.Outcome, Is.EqualTo(ReportReview.Outcome.WrongStatus));
    }
}
