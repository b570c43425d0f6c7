using Dapper;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Tests.Campaigns;

/// <summary>Issue 6: the review path from school to department, at the slice level.</summary>
public sealed class ReviewPathTests : CampaignTest
{
    [Test]
    public async Task A_report_travels_from_draft_through_a_return_to_regional_acceptance()
    {
        var id = await StartSchool1Async();
        var saved = await SaveAsync(Director, id, CleanCells(grade2Pupils: "30"), FullTitle);
        Assert.That(saved.Ok, Is.True, saved.Message);

        var check = await Check.CheckAsync(Director, id);
        Assert.That(check!.Errors.Select(e => e.Code), Is.EquivalentTo(new[] { "1" }), string.Join("\n", check.All.Select(f => f.Message)));
        var refused = await Review.SubmitAsync(Director, As(Director), id);
        Assert.That(refused.Outcome, Is.EqualTo(ReportReview.Outcome.HasErrors));

        Assert.That((await SaveAsync(Director, id, [new("2", "01", "4", "35", S1: "2")])).Ok, Is.True);
        Assert.That((await Check.CheckAsync(Director, id))!.HasErrors, Is.False);
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);

        var returned = await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "Проверьте число классов");
        Assert.That(returned.Status, Is.EqualTo(ReportStatus.ReturnedByMunicipality));
        var head = (await Values.GetAsync(Director, id))!.Head;
        Assert.That(head.ResubmitUntil, Is.EqualTo(Today.AddDays(ReviewOptions.DefaultResubmitDays)));

        Assert.That((await SaveAsync(Director, id, [new("1", "02", "3", "1")])).Ok, Is.True);
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
        Assert.That((await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id)).Ok, Is.True);
        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), id)).Status, Is.EqualTo(ReportStatus.AcceptedByRegion));

        var history = await Review.HistoryAsync(Analyst, id);
        Assert.That(history, Is.Not.Null);
        Assert.That(history!.Select(t => t.ToStatus), Is.EqualTo(new[]
        {
            "draft", "submitted", "returned_by_municipality", "submitted", "accepted_by_municipality", "accepted_by_region",
        }));
        Assert.That(history![2].Comment, Is.EqualTo("Проверьте число классов"));
        Assert.That(history![2].Actor, Is.EqualTo($"user:{Operator.UserId}"));

        var list = await Campaigns.ListAsync(Analyst);
        Assert.That(list.Single().AcceptedByRegion, Is.EqualTo(1));
    }

    [Test]
    public async Task Every_changed_value_is_audited_with_old_and_new_value_and_unchanged_ones_are_not()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Director, id, CleanCells(), FullTitle);
        await SaveAsync(Director, id, [new("1", "01", "3", "61"), new("1", "05", "3", "3")]);
        await using var conn = await Db.OpenConnectionAsync();
        var changes = (await conn.QueryAsync<(string? Old, string? New, string Source, string Actor)>("""
            SELECT old_value, new_value, source, actor FROM ekis.report_value_change ch
            JOIN ekis.template_cell c ON c.cell_id = ch.cell_id
            WHERE report_id = @id AND c.section = '1' AND c.row_code IN ('01', '05') ORDER BY ch.id
            """, new { id })).ToList();
        Assert.That(changes.Select(c => (c.Old, c.New)), Is.EqualTo(new (string?, string?)[] { (null, "60"), (null, "3"), ("60", "61") }));
        Assert.That(changes.All(c => c.Source == "typed" && c.Actor == $"user:{Director.UserId}"), Is.True);
    }

    [Test]
    public async Task Russian_number_input_is_stored_as_a_number()
    {
        var id = await StartSchool1Async();
        var r = await SaveAsync(Director, id, [new("1", "01", "3", "1 234"), new("1", "06", "3", "12,5")]);
        Assert.That(r.Ok, Is.True, r.Message);
        var cells = (await Values.GetAsync(Director, id))!.Cells;
        Assert.That(cells.Select(c => c.Value), Is.EquivalentTo(new[] { "1234", "12.5" }));
    }

    [Test]
    public async Task Clearing_a_cell_removes_its_value()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Director, id, [new("1", "02", "3", "5")]);
        await SaveAsync(Director, id, [new("1", "02", "3", "")]);
        Assert.That((await Values.GetAsync(Director, id))!.Cells, Is.Empty);
    }

    [Test]
    public async Task An_operator_can_withdraw_an_acceptance_until_the_region_accepts()
    {
        var id = await SubmittedReportAsync();
        await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id);
        Assert.That((await Review.WithdrawMunicipalAcceptanceAsync(Operator, As(Operator), id, "ошибка")).Status, Is.EqualTo(ReportStatus.Submitted));
        await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id);
        await Review.AcceptByRegionAsync(Analyst, As(Analyst), id);
        var late = await Review.WithdrawMunicipalAcceptanceAsync(Operator, As(Operator), id);
        Assert.That(late.Outcome, Is.EqualTo(ReportReview.Outcome.WrongStatus));
    }

    [Test]
    public async Task The_analyst_can_return_a_report_accepted_by_the_municipality()
    {
        var id = await SubmittedReportAsync();
        await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id);
        var r = await Review.ReturnByRegionAsync(Analyst, As(Analyst), id, "Не сходится с прошлым месяцем", new DateOnly(2026, 10, 20));
        Assert.That(r.Status, Is.EqualTo(ReportStatus.ReturnedByRegion));
        Assert.That((await Values.GetAsync(Director, id))!.Head.ResubmitUntil, Is.EqualTo(new DateOnly(2026, 10, 20)));
    }

    [Test]
    public async Task A_return_reopens_editing_after_the_due_date_until_the_resubmission_date()
    {
        var id = await SubmittedReportAsync();
        await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "исправьте", new DateOnly(2026, 10, 15));
        Clock.Today = new DateOnly(2026, 10, 14);
        Assert.That((await SaveAsync(Director, id, [new("1", "02", "3", "1")])).Ok, Is.True);
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
    }

    [Test]
    public async Task A_return_needs_a_comment()
    {
        var id = await SubmittedReportAsync();
        var r = await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "  ");
        Assert.That(r.Outcome, Is.EqualTo(ReportReview.Outcome.CommentRequired));
    }

    [Test]
    public async Task An_employee_with_the_submit_right_can_submit()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Submitter, id, CleanCells(), FullTitle);
        Assert.That((await Review.SubmitAsync(Submitter, As(Submitter), id)).Ok, Is.True);
    }
}
