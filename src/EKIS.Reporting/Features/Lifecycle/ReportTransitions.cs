using Dapper;
using EKIS.Reporting.Features.Outbox;
using Npgsql;

namespace EKIS.Reporting.Features.Lifecycle;

/// <summary>
/// The one writer of <c>ekis.report_transition</c> and of <c>report.status</c>: every move of
/// <see cref="StatusGraph"/> is recorded here, in the caller's transaction, together with its outbox
/// event (<see cref="DomainEvents"/>), so the move and its announcement exist together or not at all.
/// "Sent at" (<c>report.submitted_at</c>) is set here and only by a genuine send.
/// </summary>
public static class ReportTransitions
{
    /// <summary>
    /// Records <paramref name="kind"/> on <paramref name="reportId"/> (for a move that creates a report,
    /// the new report, already inserted as a draft). <paramref name="payload"/> goes into the event.
    /// </summary>
    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, TransitionKind kind, long reportId,
        string? from, string to, string? comment, object? payload = null, CancellationToken ct = default)
    {
        var move = StatusGraph.Of(kind);
        if (!move.Records(from, to))
            throw new InvalidOperationException($"{kind} does not move a report from '{from ?? "(none)"}' to '{to}' (StatusGraph).");
        // A created report is inserted as a draft and keeps its row version; a move changes the content's
        // state, so a page opened before it is stale.
        var (campaignId, orgUnitId) = await conn.QuerySingleAsync<(long, long)>(new CommandDefinition(move.Creates
            ? """
              WITH t AS (INSERT INTO ekis.report_transition (report_id, from_status, to_status, comment) VALUES (@reportId, NULL, @to, @comment))
              SELECT campaign_id, org_unit_id FROM ekis.report WHERE id = @reportId AND status = @to
              """
            : """
              WITH t AS (INSERT INTO ekis.report_transition (report_id, from_status, to_status, comment) VALUES (@reportId, @from, @to, @comment))
              UPDATE ekis.report SET status = @to, row_version = row_version + 1, updated_at = now(), updated_by = ekis.current_actor(),
                     submitted_at = CASE WHEN @send THEN now() ELSE submitted_at END
              WHERE id = @reportId AND status = @from
              RETURNING campaign_id, org_unit_id
              """, new { reportId, from, to, comment, send = kind == TransitionKind.Submit }, tx, cancellationToken: ct));
        await Outbox.Outbox.AppendAsync(conn, tx, move.Event, campaignId, reportId, orgUnitId, payload ?? new { from, to }, ct);
    }
}
