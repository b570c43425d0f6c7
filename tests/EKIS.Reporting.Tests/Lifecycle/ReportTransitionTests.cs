using System.Text.RegularExpressions;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Tests.Campaigns;
using EKIS.Reporting.Tests.Templates;

namespace EKIS.Reporting.Tests.Lifecycle;

/// <summary>Issue 11, points 1 and 2: one writer of transitions, one outbox event per move, "sent at" set only by a send.</summary>
public sealed partial class ReportTransitionTests : CampaignTest
{
    private long _seen;

    /// <summary>The outbox events appended since the last call: (kind, report).</summary>
    private async Task<List<(string Kind, long? ReportId)>> NewEventsAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<(long Id, string Kind, long? ReportId)>(
            "SELECT id, kind, report_id FROM ekis.outbox_event WHERE id > @seen ORDER BY id", new { seen = _seen })).ToList();
        if (rows.Count > 0) _seen = rows[^1].Id;
        return rows.Select(r => (r.Kind, r.ReportId)).ToList();
    }

    private async Task ExpectOneAsync(string kind, long reportId, string step) =>
        Assert.That(await NewEventsAsync(), Is.EqualTo(new List<(string, long?)> { (kind, reportId) }), step);

    [Test]
    public async Task Every_report_transition_kind_appends_exactly_one_outbox_event_in_its_transaction()
    {
        await NewEventsAsync(); // the setup's own events (the campaign opened) are not this test's
        var id = await StartSchool1Async();
        await ExpectOneAsync(DomainEvents.ReportStarted, id, "start");
        Assert.That(await StartSchool1Async(), Is.EqualTo(id));
        Assert.That(await NewEventsAsync(), Is.Empty, "opening a started report is no transition");
        Assert.That((await SaveAsync(Director, id, CleanCells(), FullTitle)).Ok, Is.True);
        Assert.That(await NewEventsAsync(), Is.Empty, "a save is no transition");

        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ReportSubmitted, id, "submit");
        Assert.That((await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "исправить")).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ReportReturnedByMunicipality, id, "municipal return");
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ReportSubmitted, id, "resubmit");
        Assert.That((await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id)).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ReportAcceptedByMunicipality, id, "municipal acceptance");
        Assert.That((await Review.WithdrawMunicipalAcceptanceAsync(Operator, As(Operator), id)).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ReportMunicipalAcceptanceWithdrawn, id, "withdrawal");
        Assert.That((await Review.ReturnByRegionAsync(Analyst, As(Analyst), id, "исправить")).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ReportReturnedByRegion, id, "regional return");

        Assert.That((await Review.GrantExtensionAsync(Analyst, As(Analyst), id, Due.AddDays(3), "болезнь")).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ExtensionGranted, id, "extension");
        Assert.That((await Review.WithdrawExtensionAsync(Analyst, As(Analyst), id, "продлено по ошибке")).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ExtensionWithdrawn, id, "extension withdrawn");

        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ReportSubmitted, id, "third send");
        var bulk = await Review.AcceptCleanByMunicipalityAsync(Operator, As(Operator), CampaignId);
        Assert.That(bulk.Accepted, Is.EqualTo(1));
        await ExpectOneAsync(DomainEvents.ReportBulkAccepted, id, "bulk acceptance");
        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), id)).Ok, Is.True);
        await ExpectOneAsync(DomainEvents.ReportAcceptedByRegion, id, "regional acceptance");

        var v2 = (await Review.ReopenAsNewVersionAsync(Analyst, As(Analyst), id, "уточнить")).NewReportId!.Value;
        await ExpectOneAsync(DomainEvents.ReportReopened, v2, "reopening");
        Assert.That(await ScalarAsync<long>("SELECT (payload->>'previous_report_id')::bigint FROM ekis.outbox_event WHERE kind = $1", DomainEvents.ReportReopened),
            Is.EqualTo(id));

        // A refused move appends nothing (its transaction is not committed).
        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), v2)).Ok, Is.False);
        Assert.That(await NewEventsAsync(), Is.Empty);

        // Every transition row has its event, and every event of a move its transition row.
        var moves = StatusGraph.Moves.Select(m => m.Event).ToArray();
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.outbox_event WHERE kind = ANY($1)", (object)moves),
            Is.EqualTo(await ScalarAsync<long>("SELECT count(*) FROM ekis.report_transition")));
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT kind) FROM ekis.outbox_event WHERE kind = ANY($1)", (object)moves),
            Is.EqualTo(Enum.GetValues<TransitionKind>().Length), "every kind of move was exercised");
    }

    [Test]
    public async Task A_withdrawn_municipal_acceptance_does_not_change_when_the_report_was_sent()
    {
        var id = await SubmittedReportAsync();
        var sentAt = await ScalarAsync<DateTime>("SELECT submitted_at FROM ekis.report WHERE id = $1", id);
        Assert.That(sentAt, Is.EqualTo(await ScalarAsync<DateTime>("SELECT at FROM ekis.report_transition WHERE report_id = $1 AND to_status = 'submitted'", id)));
        Assert.That((await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id)).Ok, Is.True);
        Assert.That((await Review.WithdrawMunicipalAcceptanceAsync(Operator, As(Operator), id)).Ok, Is.True);
        Assert.That(await ScalarAsync<DateTime>("SELECT submitted_at FROM ekis.report WHERE id = $1", id), Is.EqualTo(sentAt));
        Assert.That((await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "исправить")).Ok, Is.True);
        Assert.That(await ScalarAsync<DateTime>("SELECT submitted_at FROM ekis.report WHERE id = $1", id), Is.EqualTo(sentAt), "a return keeps the last send");
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
        Assert.That(await ScalarAsync<DateTime>("SELECT submitted_at FROM ekis.report WHERE id = $1", id), Is.GreaterThan(sentAt), "a new send moves it");
    }

    [GeneratedRegex(@"INSERT\s+INTO\s+ekis\.report_transition\b", RegexOptions.IgnoreCase)]
    private static partial Regex TransitionInsert();

    [GeneratedRegex(@"UPDATE\s+ekis\.report\s+(?:\w+\s+)?SET\b[^;""]*?\bstatus\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StatusUpdate();

    [Test]
    public void Exactly_one_place_in_the_sources_writes_report_transition_and_report_status()
    {
        var root = TemplateTestKit.RepoPath();
        var sources = new[] { "src", "jobs" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".sql", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.That(sources, Has.Count.GreaterThan(50), "the sources were found");
        string Relative(string f) => Path.GetRelativePath(root, f).Replace('\\', '/');
        var writers = sources.Where(f => TransitionInsert().IsMatch(File.ReadAllText(f))).Select(Relative).ToList();
        var statusWriters = sources.Where(f => StatusUpdate().IsMatch(File.ReadAllText(f))).Select(Relative).ToList();
        const string Home = "src/EKIS.Reporting/Features/Lifecycle/ReportTransitions.cs";
        Assert.That(writers, Is.EqualTo(new[] { Home }));
        Assert.That(statusWriters, Is.EqualTo(new[] { Home }));
    }
}
