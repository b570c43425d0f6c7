using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Tests.Campaigns;

/// <summary>Issue 6: another school's (or municipality's) report id is "not found" in every slice that takes an id.</summary>
public sealed class ScopeTests : CampaignTest
{
    [Test]
    public async Task Another_schools_report_is_not_found_in_any_slice()
    {
        var id = await SubmittedReportAsync();
        Assert.That(await Values.GetAsync(Director7, id), Is.Null);
        Assert.That(await Check.CheckAsync(Director7, id), Is.Null);
        Assert.That(await Review.HistoryAsync(Director7, id), Is.Null);
        Assert.That((await Save.SaveAsync(Director7, As(Director7), new SaveValues.Command(id, 0, [new("1", "01", "3", "1")]))).Outcome,
            Is.EqualTo(SaveValues.Outcome.NotFound));
        Assert.That((await Review.SubmitAsync(Director7, As(Director7), id)).Outcome, Is.EqualTo(ReportReview.Outcome.NotFound));
    }

    [Test]
    public async Task Another_municipalitys_operator_cannot_see_or_review_the_report()
    {
        var id = await SubmittedReportAsync();
        Assert.That(await Values.GetAsync(OtherOperator, id), Is.Null);
        Assert.That((await Review.AcceptByMunicipalityAsync(OtherOperator, As(OtherOperator), id)).Outcome, Is.EqualTo(ReportReview.Outcome.NotFound));
        Assert.That((await Review.ReturnByMunicipalityAsync(OtherOperator, As(OtherOperator), id, "x")).Outcome, Is.EqualTo(ReportReview.Outcome.NotFound));
        await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id);
        Assert.That((await Review.WithdrawMunicipalAcceptanceAsync(OtherOperator, As(OtherOperator), id)).Outcome, Is.EqualTo(ReportReview.Outcome.NotFound));
    }

    [Test]
    public async Task A_director_cannot_start_another_schools_report()
    {
        Assert.That(await Start.StartAsync(Director, As(Director), CampaignId, Lyceum7), Is.Null);
        Assert.That(await Start.StartAsync(Director7, As(Director7), CampaignId, Lyceum7), Is.Not.Null);
    }

    [Test]
    public async Task A_unit_that_is_not_an_expected_respondent_gets_no_report()
    {
        var kindergarten = await Support.TestAccounts.UnitIdAsync(Db, "100003");
        Assert.That(await Start.StartAsync(Analyst, As(Analyst), CampaignId, kindergarten), Is.Null);
    }

    [Test]
    public async Task Starting_twice_returns_the_same_report_with_the_title_prefilled_from_the_registry()
    {
        var first = await StartSchool1Async();
        Assert.That(await StartSchool1Async(), Is.EqualTo(first));
        var title = (await Values.GetAsync(Director, first))!.Title;
        Assert.That(title["okpo"], Is.EqualTo("41000012"));
        Assert.That(title["name"], Does.Contain("Школа № 1"));
    }

    [Test]
    public async Task Campaign_counts_cover_only_what_the_role_sees()
    {
        await SubmittedReportAsync();
        var region = (await Campaigns.ListAsync(Analyst)).Single();
        var sev = (await Campaigns.ListAsync(Operator)).Single();
        var school = (await Campaigns.ListAsync(Director7)).Single();
        // Every active general-education organisation and branch of the demo region (the large demo adds many).
        var general = (int)await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE level IN ('organisation', 'branch') AND status = 'active' AND kind = 'general'");
        Assert.That(region.Expected, Is.EqualTo(general));
        Assert.That((region.Submitted, sev.Expected, sev.Submitted), Is.EqualTo((1, 2, 1)));
        Assert.That((school.Expected, school.Submitted), Is.EqualTo((1, 0)));
    }

    [Test]
    public async Task Respondents_are_fixed_at_opening_and_changed_only_with_a_reason()
    {
        var open = await Open.OpenAsync(Analyst, As(Analyst), new OpenCampaign.Command(TemplateId, 2026, "1211", Due, MunicipalityIds: [await Support.TestAccounts.UnitIdAsync(Db, "M-ZAR")]));
        Assert.That(open.Respondents, Is.EqualTo(3), "two organisations and a branch of Заречный МР");
        Assert.That(await Open.DropRespondentAsync(Analyst, As(Analyst), open.CampaignId, await Support.TestAccounts.UnitIdAsync(Db, "200002"), ""), Is.False);
        Assert.That(await Open.DropRespondentAsync(Analyst, As(Analyst), open.CampaignId, await Support.TestAccounts.UnitIdAsync(Db, "200002"), "не ведёт общее образование"), Is.True);
        Assert.That(await Open.AddRespondentAsync(Operator, As(Operator), open.CampaignId, School1, "x"), Is.False);
        Assert.That(await Open.AddRespondentAsync(Analyst, As(Analyst), open.CampaignId, School1, "новая школа"), Is.True);
        var row = (await Campaigns.ListAsync(Analyst)).Single(c => c.Id == open.CampaignId);
        Assert.That(row.Expected, Is.EqualTo(3));
        Assert.That(await ScalarAsync<string>("SELECT dropped_by FROM ekis.campaign_respondent WHERE dropped_at IS NOT NULL"), Is.EqualTo($"user:{Analyst.UserId}"));
    }
}

/// <summary>Issue 6, point 2: «Мои формы».</summary>
public sealed class MyFormsTests : CampaignTest
{
    [Test]
    public async Task A_school_sees_its_open_forms_with_status_and_days_left_and_nothing_of_other_schools()
    {
        var forms = new MyForms(Db, Clock);
        var before = (await forms.ListAsync(Director)).Single();
        Assert.That((before.Form.OrgUnitId, before.Form.StatusTitle, before.DaysLeft), Is.EqualTo((School1, "не начат", 5)));

        var id = await SubmittedReportAsync();
        await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "исправьте", Due.AddDays(4));
        var after = (await forms.ListAsync(Director)).Single();
        Assert.That((after.Form.ReportId, after.Form.Status, after.DaysLeft), Is.EqualTo(((long?)id, ReportStatus.ReturnedByMunicipality, 9)));
        Assert.That((await forms.ListAsync(Director7)).Single().Form.OrgUnitId, Is.EqualTo(Lyceum7));
    }
}

/// <summary>Issue 6, point 7: campaign progress per municipality with who has not sent.</summary>
public sealed class CampaignProgressTests : CampaignTest
{
    [Test]
    public async Task Progress_counts_per_municipality_and_lists_overdue_respondents_inside_the_scope()
    {
        await SubmittedReportAsync();
        Clock.Today = Due.AddDays(1);
        var progress = new CampaignProgress(Db, Clock);

        var region = (await progress.GetAsync(Analyst, CampaignId))!;
        var general = (int)await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE level IN ('organisation', 'branch') AND status = 'active' AND kind = 'general'");
        Assert.That(region.Municipalities.Sum(m => m.Expected), Is.EqualTo(general));
        var sev = region.Municipalities.Single(m => m.Name == "ГО Северный");
        Assert.That((sev.Expected, sev.Sent, sev.Overdue), Is.EqualTo((2, 1, 1)));
        Assert.That(region.NotSentYet.Count(n => n.Overdue), Is.EqualTo(general - 1));

        var op = (await progress.GetAsync(Operator, CampaignId))!;
        Assert.That(op.Municipalities.Single().Name, Is.EqualTo("ГО Северный"));
        Assert.That(op.NotSentYet.Single().OrgUnitId, Is.EqualTo(Gymnasium2));
        Assert.That(await progress.GetAsync(Director, CampaignId), Is.Null);
    }
}
