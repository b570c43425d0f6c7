using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Tests.Campaigns;

namespace EKIS.Reporting.Tests.Lifecycle;

/// <summary>Issue 11, point 1: which version of a report counts at the region, municipality and monitoring levels after a reopening.</summary>
public sealed class ReportVersionTests : CampaignTest
{
    private async Task<long?> CountingAsync(DataLevel level) =>
        await ScalarAsync<long>($"SELECT report_id FROM {ReportVersions.Counting(level)} WHERE campaign_id = $1 AND org_unit_id = $2", CampaignId, School1) is var id and > 0
            ? id : null;

    private async Task<(long? Region, long? Municipality, long? Monitoring, long? Newest)> LevelsAsync() =>
        (await CountingAsync(DataLevel.Region), await CountingAsync(DataLevel.Municipality), await CountingAsync(DataLevel.Monitoring),
         await ScalarAsync<long>("SELECT id FROM ekis.report_newest WHERE campaign_id = $1 AND org_unit_id = $2", CampaignId, School1));

    [Test]
    public async Task A_reopened_version_replaces_the_accepted_one_at_each_level_only_once_it_reaches_that_level()
    {
        var v1 = await SubmittedReportAsync();
        Assert.That(await LevelsAsync(), Is.EqualTo(((long?)null, (long?)null, (long?)v1, (long?)v1)));
        Assert.That((await Review.AcceptByMunicipalityAsync(Operator, As(Operator), v1)).Ok, Is.True);
        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), v1)).Ok, Is.True);
        Assert.That(await LevelsAsync(), Is.EqualTo(((long?)v1, (long?)v1, (long?)v1, (long?)v1)));

        var v2 = (await Review.ReopenAsNewVersionAsync(Analyst, As(Analyst), v1, "уточнить")).NewReportId!.Value;
        Assert.That(await LevelsAsync(), Is.EqualTo(((long?)v1, (long?)v1, (long?)v1, (long?)v2)), "a draft counts nowhere");

        var sent = await Review.SubmitAsync(Director, As(Director), v2);
        Assert.That(sent.Ok, Is.True, sent.Message);
        Assert.That(await LevelsAsync(), Is.EqualTo(((long?)v1, (long?)v1, (long?)v2, (long?)v2)), "sent: monitoring only");

        Assert.That((await Review.ReturnByMunicipalityAsync(Operator, As(Operator), v2, "ещё раз")).Ok, Is.True);
        Assert.That(await LevelsAsync(), Is.EqualTo(((long?)v1, (long?)v1, (long?)v1, (long?)v2)), "returned: the accepted version is back in monitoring");

        Assert.That((await Review.SubmitAsync(Director, As(Director), v2)).Ok, Is.True);
        Assert.That((await Review.AcceptByMunicipalityAsync(Operator, As(Operator), v2)).Ok, Is.True);
        Assert.That(await LevelsAsync(), Is.EqualTo(((long?)v1, (long?)v2, (long?)v2, (long?)v2)), "accepted by the municipality");

        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), v2)).Ok, Is.True);
        Assert.That(await LevelsAsync(), Is.EqualTo(((long?)v2, (long?)v2, (long?)v2, (long?)v2)));
    }

    [Test]
    public void The_level_views_and_the_csharp_status_sets_agree()
    {
        Assert.That(ReportVersions.Reached(DataLevel.Region), Is.EqualTo(new[] { ReportStatus.AcceptedByRegion }));
        Assert.That(ReportVersions.Reached(DataLevel.Municipality), Is.EquivalentTo(ReportStatus.Accepted));
        Assert.That(ReportVersions.Reached(DataLevel.Monitoring), Is.EquivalentTo(ReportStatus.Sent));
        Assert.That(Enum.GetValues<DataLevel>().Select(ReportVersions.Title), Is.Unique);
    }
}
