using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Tests.Campaigns;

/// <summary>Issue 6, points 5, 6 and 9: extensions, corrections after regional acceptance, the previous period.</summary>
public sealed class CorrectionTests : CampaignTest
{
    private async Task<long> AcceptedByRegionAsync(long id)
    {
        Assert.That((await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id)).Ok, Is.True);
        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), id)).Ok, Is.True);
        return id;
    }

    [Test]
    public async Task An_analyst_grants_an_audited_extension_and_an_operator_cannot()
    {
        var id = await StartSchool1Async();
        await SaveAsync(Director, id, CleanCells(), FullTitle);
        Assert.That((await Review.GrantExtensionAsync(Operator, As(Operator), id, Due.AddDays(5), "болезнь")).Outcome, Is.EqualTo(ReportReview.Outcome.Forbidden));
        Assert.That((await Review.GrantExtensionAsync(Analyst, As(Analyst), id, Due.AddDays(5), "")).Outcome, Is.EqualTo(ReportReview.Outcome.CommentRequired));
        Assert.That((await Review.GrantExtensionAsync(Analyst, As(Analyst), id, Due.AddDays(5), "карантин в школе")).Ok, Is.True);
        Clock.Today = Due.AddDays(4);
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
        Assert.That(await ScalarAsync<string>("SELECT details->>'reason' FROM ekis.audit_event WHERE action = 'extension' AND actor = $1", $"user:{Analyst.UserId}"),
            Is.EqualTo("карантин в школе"));
    }

    [Test]
    public async Task A_regionally_accepted_report_is_reopened_as_a_new_version_and_the_old_one_stays_readable()
    {
        var v1 = await AcceptedByRegionAsync(await SubmittedReportAsync());
        Assert.That((await Review.ReopenAsNewVersionAsync(Operator, As(Operator), v1, "исправить")).Outcome, Is.EqualTo(ReportReview.Outcome.Forbidden));
        var reopened = await Review.ReopenAsNewVersionAsync(Analyst, As(Analyst), v1, "уточнить численность");
        Assert.That(reopened.Ok, Is.True, reopened.Message);
        var v2 = reopened.NewReportId!.Value;
        Assert.That((await Review.ReopenAsNewVersionAsync(Analyst, As(Analyst), v1, "ещё раз")).Outcome, Is.EqualTo(ReportReview.Outcome.WrongStatus));

        Assert.That(await StartSchool1Async(), Is.EqualTo(v2), "the respondent opens the newest version");
        var fresh = (await Values.GetAsync(Director, v2))!;
        Assert.That((fresh.Head.Version, fresh.Head.Status, fresh.Cells.Count), Is.EqualTo((2, ReportStatus.Draft, CleanCells().Count)));
        Assert.That((await SaveAsync(Director, v2, [new("1", "02", "3", "0"), new("1", "03", "3", "0")])).Ok, Is.True);
        Assert.That((await SaveAsync(Director, v1, [new("1", "02", "3", "1")])).Outcome, Is.EqualTo(SaveValues.Outcome.ReadOnly));
        Assert.That((await Values.GetAsync(Director, v1))!.Head.Status, Is.EqualTo(ReportStatus.AcceptedByRegion));

        var row = (await Campaigns.ListAsync(Analyst)).Single();
        Assert.That((row.AcceptedByRegion, row.Started), Is.EqualTo((0, 1)), "counts follow the newest version");
    }

    // "9" before "1210": period codes of unequal length are ordered as numbers, not as text.
    [TestCase("1209")]
    [TestCase("9")]
    public async Task Previous_period_controls_read_the_respondents_previous_accepted_report(string previousPeriod)
    {
        var september = (await Open.OpenAsync(Analyst, As(Analyst), new OpenCampaign.Command(TemplateId, 2026, previousPeriod, Due, Kinds: ["general"]))).CampaignId;
        var sep = (await Start.StartAsync(Director, As(Director), september, School1))!.Value;
        await SaveAsync(Director, sep, CleanCells(), FullTitle);
        Assert.That((await Review.SubmitAsync(Director, As(Director), sep)).Ok, Is.True);

        var oct = await StartSchool1Async();
        await SaveAsync(Director, oct, [.. CleanCells().Where(c => c.Row != "02" || c.Section != "1"), new("1", "02", "3", "5")], FullTitle);
        var before = (await Check.CheckAsync(Director, oct))!;
        Assert.That(before.NotChecked.Select(f => f.Code), Does.Contain("4"), "September is not accepted yet");

        await AcceptedByRegionAsync(sep);
        var after = (await Check.CheckAsync(Director, oct))!;
        Assert.That(after.Warnings.Select(f => f.Code), Does.Contain("4"), "60 ≠ 60 + 5 − 0");
        Assert.That(after.NotChecked.Select(f => f.Code), Does.Not.Contain("4"));
    }
}

/// <summary>Issue 6, point 4: bulk acceptance of clean reports of a municipality.</summary>
public sealed class BulkAcceptanceTests : CampaignTest
{
    [Test]
    public async Task An_operator_accepts_clean_submitted_reports_of_the_municipality_at_once_and_leaves_drafts_alone()
    {
        var clean = await SubmittedReportAsync();
        var director2 = await ScopeAsync("t-director2", EKIS.Reporting.Features.Access.Roles.Director, "100002");
        var draft = (await Start.StartAsync(director2, As(director2), CampaignId, Gymnasium2))!.Value;
        await SaveAsync(director2, draft, CleanCells(), FullTitle);

        Assert.That((await Review.AcceptCleanByMunicipalityAsync(Director, As(Director), CampaignId)).Accepted, Is.Zero);
        Assert.That((await Review.AcceptCleanByMunicipalityAsync(OtherOperator, As(OtherOperator), CampaignId)).Accepted, Is.Zero);
        var bulk = await Review.AcceptCleanByMunicipalityAsync(Operator, As(Operator), CampaignId);
        Assert.That((bulk.Accepted, bulk.Skipped.Count), Is.EqualTo((1, 0)));
        Assert.That((await Values.GetAsync(Operator, clean))!.Head.Status, Is.EqualTo(ReportStatus.AcceptedByMunicipality));
        Assert.That((await Values.GetAsync(Operator, draft))!.Head.Status, Is.EqualTo(ReportStatus.Draft));
    }
}
