using Dapper;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Tests.Campaigns;

/// <summary>Issue 6, «Bad input and security»: each refused with a clear message, nothing accepted half-way.</summary>
public sealed class RejectionTests : CampaignTest
{
    [TestCase("12a")]
    [TestCase("1,2,3")]
    [TestCase("1234567890")]
    [TestCase("1.5")]
    [TestCase("-3")]
    public async Task A_number_breaking_the_cell_format_is_refused_and_nothing_is_saved(string value)
    {
        var id = await StartSchool1Async();
        var r = await SaveAsync(Director, id, [new("1", "02", "3", "7"), new("1", "01", "3", value)]);
        Assert.That(r.Outcome, Is.EqualTo(SaveValues.Outcome.Invalid));
        Assert.That(r.Errors!.Single().Cell.Row, Is.EqualTo("01"));
        Assert.That(r.Errors!.Single().Message, Does.Contain(value));
        Assert.That((await Values.GetAsync(Director, id))!.Cells, Is.Empty, "nothing accepted half-way");
    }

    [Test]
    public async Task A_value_in_a_greyed_cell_is_refused()
    {
        var id = await StartSchool1Async();
        var r = await SaveAsync(Director, id, [new("1", "01", "А", "1")]);
        Assert.That(r.Outcome, Is.EqualTo(SaveValues.Outcome.Invalid));
        Assert.That(r.Errors!.Single().Message, Does.Contain("не заполняется"));
    }

    [Test]
    public async Task Unknown_rows_and_missing_keys_of_repeatable_rows_are_refused()
    {
        var id = await StartSchool1Async();
        var r = await SaveAsync(Director, id, [new("1", "99", "3", "1"), new("2", "01", "3", "1"), new("1", "01", "3", "1", S1: "1")]);
        Assert.That(r.Errors!.Count, Is.EqualTo(3));
    }

    [Test]
    public async Task A_stale_save_is_refused_with_a_clear_message()
    {
        var id = await StartSchool1Async();
        var opened = (await Values.GetAsync(Director, id))!.Head.RowVersion;
        Assert.That((await Save.SaveAsync(Submitter, As(Submitter), new SaveValues.Command(id, opened, [new("1", "01", "3", "10")]))).Ok, Is.True);
        var stale = await Save.SaveAsync(Director, As(Director), new SaveValues.Command(id, opened, [new("1", "01", "3", "20")]));
        Assert.That(stale.Outcome, Is.EqualTo(SaveValues.Outcome.Stale));
        Assert.That(stale.Message, Does.Contain("изменён другим пользователем"));
        Assert.That((await Values.GetAsync(Director, id))!.Cells.Single().Value, Is.EqualTo("10"));
    }

    [Test]
    public async Task Submitting_with_control_errors_is_refused()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Director, id, CleanCells(grade2Pupils: "30"), FullTitle);
        var r = await Review.SubmitAsync(Director, As(Director), id);
        Assert.That(r.Outcome, Is.EqualTo(ReportReview.Outcome.HasErrors));
        Assert.That(r.Check!.HasErrors, Is.True);
        Assert.That((await Values.GetAsync(Director, id))!.Head.Status, Is.EqualTo(ReportStatus.Draft));
    }

    [Test]
    public async Task An_employee_without_the_submit_right_cannot_submit_but_can_fill()
    {
        var id = await StartSchool1Async();
        Assert.That((await SaveAsync(FillOnly, id, CleanCells(), FullTitle)).Ok, Is.True);
        var r = await Review.SubmitAsync(FillOnly, As(FillOnly), id);
        Assert.That(r.Outcome, Is.EqualTo(ReportReview.Outcome.Forbidden));
    }

    [Test]
    public async Task After_the_due_date_a_report_can_neither_be_saved_nor_submitted()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Director, id, CleanCells(), FullTitle);
        Clock.Today = Due.AddDays(1);
        Assert.That((await SaveAsync(Director, id, [new("1", "02", "3", "1")])).Outcome, Is.EqualTo(SaveValues.Outcome.ReadOnly));
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Outcome, Is.EqualTo(ReportReview.Outcome.Deadline));
    }

    [Test]
    public async Task An_extension_lets_a_late_respondent_submit()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Director, id, CleanCells(), FullTitle);
        await ExecuteAsAsync(EKIS.Reporting.Infrastructure.Actors.Actor.Cli, "UPDATE ekis.report SET extension_until = $1 WHERE id = $2", Due.AddDays(3).ToDateTime(TimeOnly.MinValue), id);
        Clock.Today = Due.AddDays(2);
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
    }

    [Test]
    public async Task Submitting_twice_is_refused_and_a_sent_report_is_read_only()
    {
        var id = await SubmittedReportAsync();
        var again = await Review.SubmitAsync(Director, As(Director), id);
        Assert.That(again.Outcome, Is.EqualTo(ReportReview.Outcome.WrongStatus));
        Assert.That((await SaveAsync(Director, id, [new("1", "02", "3", "1")])).Outcome, Is.EqualTo(SaveValues.Outcome.ReadOnly));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.report_transition WHERE to_status = 'submitted'"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_replayed_submission_with_an_old_row_version_is_stale()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Director, id, CleanCells(), FullTitle);
        var v = (await Values.GetAsync(Director, id))!.Head.RowVersion;
        Assert.That((await Review.SubmitAsync(Director, As(Director), id, v)).Ok, Is.True);
        Assert.That((await Review.SubmitAsync(Director, As(Director), id, v)).Outcome, Is.EqualTo(ReportReview.Outcome.Stale));
    }

    [Test]
    public async Task Roles_cannot_take_each_others_steps()
    {
        var id = await SubmittedReportAsync();
        Assert.That((await Review.AcceptByMunicipalityAsync(Director, As(Director), id)).Outcome, Is.EqualTo(ReportReview.Outcome.Forbidden));
        Assert.That((await Review.AcceptByRegionAsync(Operator, As(Operator), id)).Outcome, Is.EqualTo(ReportReview.Outcome.Forbidden));
        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), id)).Outcome, Is.EqualTo(ReportReview.Outcome.WrongStatus),
            "the region accepts only what the municipality accepted");
        Assert.That((await Save.SaveAsync(Operator, As(Operator), new SaveValues.Command(id, 0, []))).Outcome, Is.EqualTo(SaveValues.Outcome.Forbidden));
    }

    [Test]
    public async Task An_employee_without_rights_can_neither_fill_nor_submit()
    {
        var id = await StartSchool1Async();
        var nobody = await ScopeAsync("t-norights", EKIS.Reporting.Features.Access.Roles.Employee, "100001");
        Assert.That((await SaveAsync(nobody, id, [new("1", "01", "3", "1")])).Outcome, Is.EqualTo(SaveValues.Outcome.Forbidden));
        Assert.That((await Review.SubmitAsync(nobody, As(nobody), id)).Outcome, Is.EqualTo(ReportReview.Outcome.Forbidden));
    }

    [Test]
    public async Task Saving_known_cells_again_does_not_use_up_cell_ids()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Director, id, CleanCells(), FullTitle);
        var max = await ScalarAsync<int>("SELECT max(cell_id) FROM ekis.template_cell");
        await SaveAsync(Director, id, CleanCells(grade2Pupils: "36"));
        await SaveAsync(Director, id, [new("2", "01", "4", "5", S1: "3")]);
        Assert.That(await ScalarAsync<int>("SELECT max(cell_id) FROM ekis.template_cell"), Is.EqualTo(max + 1), "one new cell for the new grade's column 4");
    }

    [Test]
    public async Task Only_an_analyst_opens_campaigns()
    {
        Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            Open.OpenAsync(Operator, As(Operator), new(TemplateId, 2026, "1211", Due)));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Loading_the_same_template_version_with_other_content_is_refused()
    {
        var xml = await File.ReadAllTextAsync(EKIS.Reporting.Tests.Templates.TemplateTestKit.RepoPath("templates", "forms", "dept-contingent-monthly.xml"));
        Assert.That((await Templates.LoadAsync(Actor, "again.xml", xml)).Created, Is.False);
        Assert.ThrowsAsync<InvalidOperationException>(() => Templates.LoadAsync(Actor, "changed.xml", xml.Replace("Значение", "Величина", StringComparison.Ordinal)));
    }

    private static EKIS.Reporting.Infrastructure.Actors.Actor Actor => EKIS.Reporting.Infrastructure.Actors.Actor.Cli;
}
