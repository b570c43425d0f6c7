using EKIS.Reporting.Tests.Review;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>
/// Issue 10, point 13: after a return the entry page showed «последний день: 10.10.2026» beside
/// «исправить до 07.10.2026» — two deadlines, though the rule takes the later one. The page shows one
/// last day, and the reviewer's date only as what it is.
/// </summary>
public sealed class DeadlineDisplayTests : ReviewWebTest
{
    private static string D(DateOnly d) => d.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public async Task A_return_date_before_the_due_date_is_not_shown_as_a_second_deadline()
    {
        var id = await SubmittedReportAsync();
        var returnedUntil = Today.AddDays(2);
        Assert.That(returnedUntil, Is.LessThan(Due));
        Assert.That((await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "Проверьте число классов", returnedUntil)).Ok, Is.True);

        var html = await GetHtmlAsync(await SignInAsync("t-director"), $"/Reports/Fill/{id}");
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain($"последний день: {D(Due)}"));
            Assert.That(html, Does.Not.Contain(D(returnedUntil)), "the earlier return date does not bind and is not shown");
            Assert.That(html, Does.Not.Contain("исправить до"));
            Assert.That(html, Does.Contain("Проверьте число классов"));
        });
    }

    [Test]
    public async Task A_return_date_after_the_due_date_is_the_one_last_day_and_named_as_the_reviewers()
    {
        var id = await SubmittedReportAsync();
        var returnedUntil = Due.AddDays(9);
        Assert.That((await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "Проверьте число классов", returnedUntil)).Ok, Is.True);

        var html = await GetHtmlAsync(await SignInAsync("t-director"), $"/Reports/Fill/{id}");
        var note = html[html.IndexOf("id=\"return-note\"", StringComparison.Ordinal)..];
        note = note[..note.IndexOf("</div>", StringComparison.Ordinal)];
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain($"последний день: {D(returnedUntil)}"));
            Assert.That(html, Does.Not.Contain(D(Due)), "the passed-over due date is not a deadline any more");
            Assert.That(note, Does.Contain($"при возврате назначен срок: {D(returnedUntil)}"));
            Assert.That(html, Does.Not.Contain("исправить до"));
        });
    }
}
