namespace EKIS.Reporting.Tests.Review;

/// <summary>
/// Issue 10, point 16 (c): the reviewer's read-only view of a form had no way back to the review and
/// no accept / return. It links back to the report's review page and names the actions the reviewer
/// has there; the school sees neither.
/// </summary>
public sealed class ReviewerNavigationTests : ReviewWebTest
{
    private static string Nav(string html)
    {
        var at = html.IndexOf("id=\"review-nav\"", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0), "the reviewer's navigation on the form");
        var nav = html[at..];
        return nav[..nav.IndexOf("</nav>", StringComparison.Ordinal)];
    }

    [Test]
    public async Task An_operator_reading_a_submitted_form_gets_back_to_the_review_and_to_accept_or_return()
    {
        var id = await SubmittedReportAsync();
        var html = await GetHtmlAsync(await SignInAsync("t-operator"), $"/Reports/Fill/{id}");
        var nav = Nav(html);
        Assert.Multiple(() =>
        {
            Assert.That(nav, Does.Contain($"href=\"/Review/Report/{id}\""));
            Assert.That(nav, Does.Contain($"href=\"/Review/Report/{id}#actions\""));
            Assert.That(nav, Does.Contain("принять").And.Contain("вернуть на доработку"));
        });
        // The anchor leads to the forms that do it.
        var review = await GetHtmlAsync(await SignInAsync("t-operator"), $"/Review/Report/{id}");
        Assert.That(review, Does.Contain("id=\"actions\""));
        Assert.That(review, Does.Contain("?handler=Accept").And.Contain("?handler=Return"));
    }

    [Test]
    public async Task An_analyst_reading_a_form_waiting_for_the_municipality_may_only_return_it()
    {
        var id = await SubmittedReportAsync();
        var nav = Nav(await GetHtmlAsync(await SignInAsync("t-analyst"), $"/Reports/Fill/{id}"));
        Assert.That(nav, Does.Contain("вернуть на доработку"));
        Assert.That(nav, Does.Not.Contain("принять"), "the region accepts after the municipality");
    }

    [Test]
    public async Task A_reviewer_with_nothing_to_do_still_gets_back_to_the_review()
    {
        var id = await StartSchool1Async();
        var nav = Nav(await GetHtmlAsync(await SignInAsync("t-operator"), $"/Reports/Fill/{id}"));
        Assert.That(nav, Does.Contain($"href=\"/Review/Report/{id}\""));
        Assert.That(nav, Does.Not.Contain("#actions"));
    }

    [Test]
    public async Task The_school_sees_no_reviewer_navigation()
    {
        var id = await SubmittedReportAsync();
        var html = await GetHtmlAsync(await SignInAsync("t-director"), $"/Reports/Fill/{id}");
        Assert.That(html, Does.Not.Contain("review-nav").And.Not.Contain("/Review/Report/"));
    }
}
