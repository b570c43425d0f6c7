using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Tests.Campaigns;

namespace EKIS.Reporting.Tests.Lifecycle;

/// <summary>Issue 11, point 1: EditProblem is the one answer to "may this person edit or send this report today", one wording per reason.</summary>
public sealed class EditProblemTests : CampaignTest
{
    private static string Wording(EditProblem.Reason why, ReportHead head) => EditProblem.Of(why, head).Message;

    private async Task<ReportHead> HeadAsync(long id) => (await Values.GetAsync(Director, id))!.Head;

    [Test]
    public async Task A_person_without_the_fill_right_is_refused_with_the_no_fill_right_wording()
    {
        var id = await StartSchool1Async();
        var nobody = await ScopeAsync("t-nobody", Roles.Employee, "100001");
        var save = await SaveAsync(nobody, id, CleanCells());
        Assert.That((save.Outcome, save.Message), Is.EqualTo((SaveValues.Outcome.Forbidden, Wording(EditProblem.Reason.NoFillRight, await HeadAsync(id)))));
        var note = await new ReportNotes(Db, Clock).ExplainAsync(nobody, As(nobody), id, "4", "x");
        Assert.That((note.Outcome, note.Message), Is.EqualTo((ReportNotes.Outcome.Forbidden, Wording(EditProblem.Reason.NoFillRight, await HeadAsync(id)))));
    }

    [Test]
    public async Task A_filler_without_the_submit_right_cannot_send_and_is_told_so()
    {
        var id = await StartSchool1Async();
        Assert.That((await SaveAsync(Director, id, CleanCells(), FullTitle)).Ok, Is.True);
        var submit = await Review.SubmitAsync(FillOnly, As(FillOnly), id);
        Assert.That((submit.Outcome, submit.Message), Is.EqualTo((ReportReview.Outcome.Forbidden, Wording(EditProblem.Reason.NoSubmitRight, await HeadAsync(id)))));
    }

    [Test]
    public async Task A_sent_report_is_neither_saved_nor_sent_again_with_one_wording()
    {
        var id = await SubmittedReportAsync();
        var head = await HeadAsync(id);
        var save = await SaveAsync(Director, id, CleanCells("34"));
        var again = await Review.SubmitAsync(Director, As(Director), id);
        Assert.That((save.Outcome, save.Message), Is.EqualTo((SaveValues.Outcome.ReadOnly, Wording(EditProblem.Reason.NotEditable, head))));
        Assert.That((again.Outcome, again.Message), Is.EqualTo((ReportReview.Outcome.WrongStatus, Wording(EditProblem.Reason.NotEditable, head))));
    }

    [Test]
    public async Task A_report_of_a_closed_campaign_is_refused_because_the_campaign_is_closed_not_because_of_the_deadline()
    {
        var id = await StartSchool1Async();
        await ExecuteAsAsync(As(Analyst), "UPDATE ekis.campaign SET status = 'closed' WHERE id = $1", CampaignId);
        var save = await SaveAsync(Director, id, CleanCells());
        Assert.That((save.Outcome, save.Message), Is.EqualTo((SaveValues.Outcome.ReadOnly, Wording(EditProblem.Reason.CampaignNotOpen, await HeadAsync(id)))));
        var form = (await new ReportForm(Db, Clock).GetAsync(Director, id))!;
        Assert.That((form.CanFill, form.ReadOnlyReason), Is.EqualTo((false, Wording(EditProblem.Reason.CampaignNotOpen, form.Head))));
    }

    [Test]
    public async Task After_the_last_day_the_report_is_refused_with_the_deadline_wording()
    {
        var id = await StartSchool1Async();
        Assert.That((await SaveAsync(Director, id, CleanCells(), FullTitle)).Ok, Is.True);
        Clock.Today = Due.AddDays(1);
        var save = await SaveAsync(Director, id, CleanCells("34"));
        var submit = await Review.SubmitAsync(Director, As(Director), id);
        Assert.That((save.Outcome, save.Message), Is.EqualTo((SaveValues.Outcome.ReadOnly, Wording(EditProblem.Reason.DeadlinePassed, await HeadAsync(id)))));
        Assert.That((submit.Outcome, submit.Message), Is.EqualTo((ReportReview.Outcome.Deadline, Wording(EditProblem.Reason.DeadlinePassed, await HeadAsync(id)))));
    }

    [Test]
    public async Task An_older_version_left_editable_is_refused_as_superseded()
    {
        var id = await StartSchool1Async();
        // A state the graph never makes, forced to prove the guard: a newer version beside an editable one.
        await ExecuteAsAsync(As(Analyst), "INSERT INTO ekis.report (campaign_id, org_unit_id, version) VALUES ($1, $2, 2)", CampaignId, School1);
        var head = await HeadAsync(id);
        Assert.That(head.IsNewest, Is.False);
        Assert.That(EditProblem.For(head, Director, true, Today, EditIntent.Fill)?.Why, Is.EqualTo(EditProblem.Reason.Superseded));
        var save = await SaveAsync(Director, id, CleanCells());
        Assert.That((save.Outcome, save.Message), Is.EqualTo((SaveValues.Outcome.ReadOnly, Wording(EditProblem.Reason.Superseded, head))));
    }

    [Test]
    public async Task Every_reason_has_its_own_wording_and_an_allowed_edit_has_no_problem()
    {
        var id = await StartSchool1Async();
        var head = await HeadAsync(id);
        Assert.That(EditProblem.For(head, Director, true, Today, EditIntent.Fill), Is.Null);
        Assert.That(EditProblem.For(head, Director, true, Today, EditIntent.Submit), Is.Null);
        var wordings = Enum.GetValues<EditProblem.Reason>().Select(r => Wording(r, head)).ToList();
        Assert.That(wordings, Is.Unique);
    }
}
