using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Infrastructure.Time;
using EKIS.Reporting.Templates.Checking;
using Npgsql;

namespace EKIS.Reporting.Features.Lifecycle;

/// <summary>
/// The review path as commands: the respondent submits (only without control errors and with every
/// warning explained (<see cref="ReportNotes"/>), and only when <see cref="EditProblem"/> allows it);
/// the municipal operator accepts or returns with a comment, and may withdraw an acceptance until the
/// region accepts; the department analyst accepts, returns, extends a deadline (or withdraws the
/// extension) and reopens an accepted report as a new version. Who may make which move from which
/// status is <see cref="StatusGraph"/>'s; every move is written by <see cref="ReportTransitions"/>.
/// </summary>
public sealed class ReportReview(NpgsqlDataSource db, RegionClock clock, ReviewOptions options)
{
    public enum Outcome { Done, NotFound, Forbidden, WrongStatus, Stale, Deadline, HasErrors, CommentRequired, Unexplained, InvalidDate }

    public sealed record Result(Outcome Outcome, string Status, string? Message = null, CheckResult? Check = null)
    {
        public bool Ok => Outcome == Outcome.Done;
        public long? NewReportId { get; init; }
    }

    /// <summary>The resubmission date a return or a reopening gets today when the reviewer sets none.</summary>
    public DateOnly DefaultResubmitUntil => LastDay.DefaultResubmitUntil(clock.Today, options);

    /// <summary>The date offered for a new extension of a report whose last day is <paramref name="lastDay"/>.</summary>
    public DateOnly SuggestedExtension(DateOnly lastDay) => LastDay.SuggestedExtension(lastDay, clock.Today, options);

    public async Task<Result> SubmitAsync(AccessScope scope, Actor actor, long reportId, int? rowVersion = null, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var c = tx.Connection;
        // The head locked and what the check needs, read under that lock, in one round trip.
        var input = await ReportValues.LoadForCheckAsync(c, tx.Transaction, scope, reportId, forUpdate: true, ct);
        if (input is null) return new Result(Outcome.NotFound, "", "Отчёт не найден.");
        var head = input.Head;
        if (rowVersion is { } v && v != head.RowVersion)
            return new Result(Outcome.Stale, head.Status, SaveValues.StaleMessage);
        var hasRight = await ReportAccess.HasRightAsync(c, tx.Transaction, scope, Rights.Submit, ct);
        if (EditProblem.For(head, scope, hasRight, clock.Today, EditIntent.Submit) is { } problem)
            return new Result(problem.Why switch
            {
                EditProblem.Reason.NoSubmitRight or EditProblem.Reason.NoFillRight => Outcome.Forbidden,
                EditProblem.Reason.NotEditable or EditProblem.Reason.Superseded => Outcome.WrongStatus,
                _ => Outcome.Deadline,
            }, head.Status, problem.Message);
        var values = input.Values;
        var check = ReportChecker.Check(values.Template, values.Model, input.Previous);
        if (check.HasErrors)
            return new Result(Outcome.HasErrors, head.Status, $"В отчёте есть ошибки ({check.Errors.Count}): исправьте их и отправьте снова.", check);
        var unexplained = check.Warnings.Where(w => !input.Explanations.ContainsKey(w.Code)).Select(w => w.Code).Distinct().ToList();
        if (unexplained.Count > 0)
        {
            var names = unexplained.Select(id => values.Template.Controls.FirstOrDefault(x => x.Definition.Id == id)?.Definition is { } d
                ? $"контроль {d.Id} «{d.Name}»" : $"контроль {id}");
            return new Result(Outcome.Unexplained, head.Status,
                $"Поясните предупреждения перед отправкой ({unexplained.Count}): {string.Join("; ", names)}.", check);
        }
        await ReportTransitions.WriteAsync(c, tx.Transaction, TransitionKind.Submit, head.Id, head.Status, ReportStatus.Submitted, null, ct: ct);
        await tx.CommitAsync(ct);
        return new Result(Outcome.Done, ReportStatus.Submitted, null, check);
    }

    public Task<Result> AcceptByMunicipalityAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, TransitionKind.AcceptByMunicipality, comment, null, rowVersion, ct);

    /// <summary>Back to the school with a comment, open for resubmission until <paramref name="resubmitUntil"/> (default: today + <c>Review:ResubmitDays</c>; not in the past).</summary>
    public Task<Result> ReturnByMunicipalityAsync(AccessScope scope, Actor actor, long reportId, string comment, DateOnly? resubmitUntil = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, TransitionKind.ReturnByMunicipality, comment, resubmitUntil, rowVersion, ct);

    /// <summary>The operator takes back an acceptance the region has not yet acted on; the report is under review again.</summary>
    public Task<Result> WithdrawMunicipalAcceptanceAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, TransitionKind.WithdrawMunicipalAcceptance, comment, null, rowVersion, ct);

    public Task<Result> AcceptByRegionAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, TransitionKind.AcceptByRegion, comment, null, rowVersion, ct);

    public Task<Result> ReturnByRegionAsync(AccessScope scope, Actor actor, long reportId, string comment, DateOnly? resubmitUntil = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, TransitionKind.ReturnByRegion, comment, resubmitUntil, rowVersion, ct);

    /// <summary>
    /// An analyst extends one respondent's deadline (not into the past); the override goes to the audit
    /// trail with its reason and to the outbox.
    /// </summary>
    public Task<Result> GrantExtensionAsync(AccessScope scope, Actor actor, long reportId, DateOnly until, string reason, CancellationToken ct = default) =>
        RunAsync(scope, actor, reportId, null, async (c, tx, head) =>
        {
            if (ExtensionProblem(scope, head, reason, "Продлевать срок", "продления срока") is { } refused) return refused;
            if (until < clock.Today)
                return new Result(Outcome.InvalidDate, head.Status, LastDay.ExtensionInPast);
            await ChangeExtensionAsync(c, tx, head, until, "extension", DomainEvents.ExtensionGranted, reason, ct);
            return new Result(Outcome.Done, head.Status);
        }, ct);

    /// <summary>
    /// An analyst takes back an extension granted by mistake: the report's last day is again the due date
    /// (or a return's resubmission date). Audited with its reason; appended to the outbox.
    /// </summary>
    public Task<Result> WithdrawExtensionAsync(AccessScope scope, Actor actor, long reportId, string reason, CancellationToken ct = default) =>
        RunAsync(scope, actor, reportId, null, async (c, tx, head) =>
        {
            if (ExtensionProblem(scope, head, reason, "Отменять продление срока", "отмены продления") is { } refused) return refused;
            if (head.ExtensionUntil is null)
                return new Result(Outcome.WrongStatus, head.Status, "Срок этого отчёта не продлевался: отменять нечего.");
            await ChangeExtensionAsync(c, tx, head, null, "extension_withdrawn", DomainEvents.ExtensionWithdrawn, reason, ct);
            return new Result(Outcome.Done, head.Status);
        }, ct);

    private static Result? ExtensionProblem(AccessScope scope, ReportHead head, string reason, string what, string whyOf)
    {
        if (!scope.IsRegional)
            return new Result(Outcome.Forbidden, head.Status, $"{what} может только аналитик департамента.");
        if (string.IsNullOrWhiteSpace(reason))
            return new Result(Outcome.CommentRequired, head.Status, $"Укажите причину {whyOf}.");
        if (!ReportStatus.IsEditable(head.Status) || !head.IsNewest)
            return new Result(Outcome.WrongStatus, head.Status,
                $"Отчёт в статусе «{ReportStatus.Title(head.Status)}»: срок меняют только неотправленному или возвращённому отчёту.");
        return null;
    }

    private static async Task ChangeExtensionAsync(NpgsqlConnection c, NpgsqlTransaction tx, ReportHead head, DateOnly? until, string action,
        string kind, string reason, CancellationToken ct)
    {
        // The deadline is not the report's content: row_version stays, so the school's open page keeps saving.
        await c.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.report SET extension_until = @until::date, updated_at = now(), updated_by = ekis.current_actor()
            WHERE id = @id;
            INSERT INTO ekis.audit_event (action, entity, entity_id, details)
            VALUES (@action, 'report', @id::text, jsonb_build_object('from', @from::date, 'until', @until::date, 'reason', @reason));
            """, new { id = head.Id, until = Dates.Param(until), from = Dates.Param(head.ExtensionUntil), reason = reason.Trim(), action },
            tx, cancellationToken: ct));
        await Outbox.Outbox.AppendAsync(c, tx, kind, head.CampaignId, head.Id, head.OrgUnitId,
            new { from = head.ExtensionUntil, until, reason = reason.Trim() }, ct);
    }

    /// <summary>
    /// Corrections after regional acceptance: the analyst reopens the report as a new version (a draft with
    /// the accepted values copied); the accepted version stays readable and keeps counting at every level
    /// until the new one reaches it (<see cref="DataLevel"/>). Returns the new version's id in <see cref="Result.NewReportId"/>.
    /// </summary>
    public Task<Result> ReopenAsNewVersionAsync(AccessScope scope, Actor actor, long reportId, string comment, CancellationToken ct = default) =>
        RunAsync(scope, actor, reportId, null, async (c, tx, head) =>
        {
            var move = StatusGraph.Of(TransitionKind.ReopenAsNewVersion);
            if (!move.MayBeMadeBy(scope))
                return new Result(Outcome.Forbidden, head.Status, "Открыть отчёт для исправления может только аналитик департамента.");
            if (!move.From.Contains(head.Status))
                return new Result(Outcome.WrongStatus, head.Status, "Новую версию можно открыть только у отчёта, принятого департаментом.");
            if (string.IsNullOrWhiteSpace(comment))
                return new Result(Outcome.CommentRequired, head.Status, "Укажите, что нужно исправить.");
            if (!head.IsNewest)
                return new Result(Outcome.WrongStatus, head.Status, "У этого отчёта уже есть более новая версия.");
            // The head is locked, and a newer version is created only under that lock: this one stays the newest until now.
            var n = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO ekis.report (campaign_id, org_unit_id, version, title, extension_until, resubmit_until)
                SELECT campaign_id, org_unit_id, version + 1, title, extension_until, @until::date FROM ekis.report r WHERE r.id = @id
                RETURNING id
                """, new { id = head.Id, until = Dates.Param(DefaultResubmitUntil) }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO ekis.report_value (report_id, cell_id, value, text_value) SELECT @n, cell_id, value, text_value FROM ekis.report_value WHERE report_id = @id",
                new { n, id = head.Id }, tx, cancellationToken: ct));
            await ReportTransitions.WriteAsync(c, tx, TransitionKind.ReopenAsNewVersion, n, null, ReportStatus.Draft, comment.Trim(),
                new { previousReportId = head.Id, version = head.Version + 1 }, ct);
            return new Result(Outcome.Done, ReportStatus.Draft) { NewReportId = n };
        }, ct);

    public sealed record BulkResult(int Accepted, IReadOnlyList<long> Skipped);

    /// <summary>
    /// Bulk acceptance by a municipal operator: every submitted report of the campaign inside the scope
    /// whose check has neither errors nor warnings is accepted (each its own transition); the others are
    /// listed as skipped for a one-by-one look.
    /// </summary>
    public async Task<BulkResult> AcceptCleanByMunicipalityAsync(AccessScope scope, Actor actor, long campaignId, CancellationToken ct = default)
    {
        var move = StatusGraph.Of(TransitionKind.BulkAccept);
        if (!move.MayBeMadeBy(scope)) return new BulkResult(0, []);
        List<long> ids;
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            ids = (await conn.QueryAsync<long>(new CommandDefinition("""
                SELECT r.id
                FROM ekis.report r
                JOIN ekis.scope_for_period(@role, @unit, (SELECT as_of FROM ekis.campaign WHERE id = @campaignId)) s
                     ON s.id = r.org_unit_id
                WHERE r.campaign_id = @campaignId AND r.status = ANY(@from) ORDER BY r.id
                """, new { role = scope.Role, unit = scope.OrgUnitId, campaignId, from = move.From.ToArray() }, cancellationToken: ct))).ToList();
        }
        var accepted = 0;
        var skipped = new List<long>();
        foreach (var id in ids)
        {
            // One report per transaction, locked and read in one batch (as a submission reads it).
            await using var tx = await db.BeginAsAsync(actor, ct);
            var input = await ReportValues.LoadForCheckAsync(tx.Connection, tx.Transaction, scope, id, forUpdate: true, ct);
            var check = input is not null && move.From.Contains(input.Head.Status)
                ? ReportChecker.Check(input.Values.Template, input.Values.Model, input.Previous) : null;
            if (input is null || check is null || check.HasErrors || check.Warnings.Count > 0)
            {
                skipped.Add(id);
                continue;
            }
            await ReportTransitions.WriteAsync(tx.Connection, tx.Transaction, TransitionKind.BulkAccept, id, input.Head.Status, move.To,
                "принят в составе пакета", ct: ct);
            await tx.CommitAsync(ct);
            accepted++;
        }
        return new BulkResult(accepted, skipped);
    }

    public sealed record Transition(string? FromStatus, string ToStatus, string? Comment, DateTime At, string Actor);

    /// <summary>The report's transitions, oldest first; null outside the scope.</summary>
    public async Task<IReadOnlyList<Transition>?> HistoryAsync(AccessScope scope, long reportId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await ReportAccess.GetAsync(conn, null, scope, reportId, forUpdate: false, ct) is null) return null;
        var rows = await conn.QueryAsync<Transition>(new CommandDefinition("""
            SELECT from_status AS FromStatus, to_status AS ToStatus, comment, at, actor FROM ekis.report_transition
            WHERE report_id = @reportId ORDER BY at, id
            """, new { reportId }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>A reviewer's transition; with <paramref name="rowVersion"/> (the version the reviewer's page showed) it is refused as stale when the report changed since.</summary>
    private Task<Result> MoveAsync(AccessScope scope, Actor actor, long reportId, TransitionKind kind, string? comment,
        DateOnly? resubmitUntil, int? rowVersion, CancellationToken ct) =>
        RunAsync(scope, actor, reportId, rowVersion, async (c, tx, head) =>
        {
            var move = StatusGraph.Of(kind);
            if (!move.MayBeMadeBy(scope))
                return new Result(Outcome.Forbidden, head.Status, "Это действие недоступно для вашей роли.");
            if (!move.From.Contains(head.Status) || !head.IsNewest)
                return new Result(Outcome.WrongStatus, head.Status, $"Отчёт в статусе «{ReportStatus.Title(head.Status)}»: это действие к нему неприменимо.");
            if (move.CommentRequired && string.IsNullOrWhiteSpace(comment))
                return new Result(Outcome.CommentRequired, head.Status, "Укажите, что нужно исправить: возврат без комментария невозможен.");
            var until = resubmitUntil ?? DefaultResubmitUntil;
            if (move.IsReturn && until < clock.Today)
                return new Result(Outcome.InvalidDate, head.Status, LastDay.ResubmitInPast);
            await ReportTransitions.WriteAsync(c, tx, kind, head.Id, head.Status, move.To, comment?.Trim(),
                move.IsReturn ? new { from = head.Status, to = move.To, resubmitUntil = until } : null, ct);
            if (move.IsReturn)
                await c.ExecuteAsync(new CommandDefinition("UPDATE ekis.report SET resubmit_until = @until::date WHERE id = @id",
                    new { id = head.Id, until = Dates.Param(until) }, tx, cancellationToken: ct));
            return new Result(Outcome.Done, move.To);
        }, ct);

    private async Task<Result> RunAsync(AccessScope scope, Actor actor, long reportId, int? rowVersion,
        Func<NpgsqlConnection, NpgsqlTransaction, ReportHead, Task<Result>> action, CancellationToken ct)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var head = await ReportAccess.GetAsync(tx.Connection, tx.Transaction, scope, reportId, forUpdate: true, ct);
        if (head is null) return new Result(Outcome.NotFound, "", "Отчёт не найден.");
        if (rowVersion is { } v && v != head.RowVersion)
            return new Result(Outcome.Stale, head.Status, SaveValues.StaleMessage);
        var result = await action(tx.Connection, tx.Transaction, head);
        if (result.Ok) await tx.CommitAsync(ct);
        return result;
    }
}
