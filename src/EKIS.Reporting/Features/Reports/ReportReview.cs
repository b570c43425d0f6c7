using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Templates.Checking;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// The review path: the respondent submits (only without control errors and with every warning
/// explained (<see cref="ReportNotes"/>), only with the submit right,
/// within the deadline, extension or resubmission date); the municipal operator accepts or returns
/// with a comment, and may withdraw an acceptance until the region accepts; the department analyst
/// accepts or returns. Every transition is recorded with who, when and the comment.
/// </summary>
public sealed class ReportReview(NpgsqlDataSource db, TimeProvider clock)
{
    public enum Outcome { Done, NotFound, Forbidden, WrongStatus, Stale, Deadline, HasErrors, CommentRequired, Unexplained }

    public sealed record Result(Outcome Outcome, string Status, string? Message = null, CheckResult? Check = null)
    {
        public bool Ok => Outcome == Outcome.Done;
        public long? NewReportId { get; init; }
    }

    /// <summary>How long a returned report stays open for resubmission when the reviewer sets no date.</summary>
    public static readonly int DefaultResubmitDays = 7;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

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
        if (!await ReportAccess.HasRightAsync(c, tx.Transaction, scope, Rights.Submit, ct))
            return new Result(Outcome.Forbidden, head.Status, "У вас нет права отправлять отчёты: его даёт руководитель организации.");
        if (!head.IsEditableStatus)
            return new Result(Outcome.WrongStatus, head.Status, $"Отчёт уже в статусе «{ReportStatus.Title(head.Status)}», отправить его повторно нельзя.");
        if (head.CampaignStatus != "open" || !head.WithinDeadline(Today))
            return new Result(Outcome.Deadline, head.Status, "Срок сдачи отчёта истёк: отправить его можно только после продления срока.");
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
        await ReportAccess.RecordTransitionAsync(c, tx.Transaction, head.Id, head.Status, ReportStatus.Submitted, null, ct);
        await tx.CommitAsync(ct);
        return new Result(Outcome.Done, ReportStatus.Submitted, null, check);
    }

    public Task<Result> AcceptByMunicipalityAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.MunicipalOperator, [ReportStatus.Submitted], ReportStatus.AcceptedByMunicipality, comment, null, rowVersion, ct);

    public Task<Result> ReturnByMunicipalityAsync(AccessScope scope, Actor actor, long reportId, string comment, DateOnly? resubmitUntil = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.MunicipalOperator, [ReportStatus.Submitted], ReportStatus.ReturnedByMunicipality, comment, resubmitUntil, rowVersion, ct);

    /// <summary>The operator takes back an acceptance the region has not yet acted on; the report is under review again.</summary>
    public Task<Result> WithdrawMunicipalAcceptanceAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.MunicipalOperator, [ReportStatus.AcceptedByMunicipality], ReportStatus.Submitted, comment, null, rowVersion, ct);

    public Task<Result> AcceptByRegionAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.RegionalAnalyst, [ReportStatus.AcceptedByMunicipality], ReportStatus.AcceptedByRegion, comment, null, rowVersion, ct);

    public Task<Result> ReturnByRegionAsync(AccessScope scope, Actor actor, long reportId, string comment, DateOnly? resubmitUntil = null, int? rowVersion = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.RegionalAnalyst, [ReportStatus.Submitted, ReportStatus.AcceptedByMunicipality], ReportStatus.ReturnedByRegion, comment, resubmitUntil, rowVersion, ct);

    /// <summary>An analyst extends one respondent's deadline; the override goes to the audit trail with its reason.</summary>
    public Task<Result> GrantExtensionAsync(AccessScope scope, Actor actor, long reportId, DateOnly until, string reason, CancellationToken ct = default) =>
        RunAsync(scope, actor, reportId, null, async (c, tx, head) =>
        {
            if (!scope.IsRegional)
                return new Result(Outcome.Forbidden, head.Status, "Продлевать срок может только аналитик департамента.");
            if (string.IsNullOrWhiteSpace(reason))
                return new Result(Outcome.CommentRequired, head.Status, "Укажите причину продления срока.");
            if (!head.IsEditableStatus)
                return new Result(Outcome.WrongStatus, head.Status, $"Отчёт в статусе «{ReportStatus.Title(head.Status)}»: продлевать срок нужно только неотправленному или возвращённому отчёту.");
            // The deadline is not the report's content: row_version stays, so the school's open page keeps saving.
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE ekis.report SET extension_until = @until::date, updated_at = now(), updated_by = ekis.current_actor()
                WHERE id = @id;
                INSERT INTO ekis.audit_event (action, entity, entity_id, details)
                VALUES ('extension', 'report', @id::text, jsonb_build_object('from', @from::date, 'until', @until::date, 'reason', @reason));
                """, new { id = head.Id, until = Campaigns.Dates.Param(until), from = Campaigns.Dates.Param(head.ExtensionUntil), reason = reason.Trim() },
                tx, cancellationToken: ct));
            return new Result(Outcome.Done, head.Status);
        }, ct);

    /// <summary>
    /// Corrections after regional acceptance: the analyst reopens the report as a new version (a draft with
    /// the accepted values copied); the accepted version stays readable. Returns the new version's id in <see cref="Result.NewReportId"/>.
    /// </summary>
    public Task<Result> ReopenAsNewVersionAsync(AccessScope scope, Actor actor, long reportId, string comment, CancellationToken ct = default) =>
        RunAsync(scope, actor, reportId, null, async (c, tx, head) =>
        {
            if (!scope.IsRegional)
                return new Result(Outcome.Forbidden, head.Status, "Открыть отчёт для исправления может только аналитик департамента.");
            if (head.Status != ReportStatus.AcceptedByRegion)
                return new Result(Outcome.WrongStatus, head.Status, "Новую версию можно открыть только у отчёта, принятого департаментом.");
            if (string.IsNullOrWhiteSpace(comment))
                return new Result(Outcome.CommentRequired, head.Status, "Укажите, что нужно исправить.");
            var newId = await c.ExecuteScalarAsync<long?>(new CommandDefinition("""
                INSERT INTO ekis.report (campaign_id, org_unit_id, version, title, extension_until, resubmit_until)
                SELECT campaign_id, org_unit_id, version + 1, title, extension_until, @until::date FROM ekis.report r
                WHERE r.id = @id AND NOT EXISTS (SELECT 1 FROM ekis.report n WHERE n.campaign_id = r.campaign_id AND n.org_unit_id = r.org_unit_id AND n.version > r.version)
                RETURNING id
                """, new { id = head.Id, until = Campaigns.Dates.Param(Today.AddDays(DefaultResubmitDays)) }, tx, cancellationToken: ct));
            if (newId is not { } n)
                return new Result(Outcome.WrongStatus, head.Status, "У этого отчёта уже есть более новая версия.");
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO ekis.report_value (report_id, cell_id, value, text_value) SELECT @n, cell_id, value, text_value FROM ekis.report_value WHERE report_id = @id;
                INSERT INTO ekis.report_transition (report_id, from_status, to_status, comment) VALUES (@n, NULL, 'draft', @comment);
                """, new { n, id = head.Id, comment = comment.Trim() }, tx, cancellationToken: ct));
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
        if (scope.Role != Roles.MunicipalOperator) return new BulkResult(0, []);
        List<long> ids;
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            ids = (await conn.QueryAsync<long>(new CommandDefinition("""
                SELECT r.id
                FROM ekis.report r
                JOIN ekis.scope_for_period(@role, @unit, (SELECT as_of FROM ekis.campaign WHERE id = @campaignId)) s
                     ON s.id = r.org_unit_id
                WHERE r.campaign_id = @campaignId AND r.status = 'submitted' ORDER BY r.id
                """, new { role = scope.Role, unit = scope.OrgUnitId, campaignId }, cancellationToken: ct))).ToList();
        }
        var accepted = 0;
        var skipped = new List<long>();
        foreach (var id in ids)
        {
            // One report per transaction, locked and read in one batch (as a submission reads it).
            await using var tx = await db.BeginAsAsync(actor, ct);
            var input = await ReportValues.LoadForCheckAsync(tx.Connection, tx.Transaction, scope, id, forUpdate: true, ct);
            var check = input is { Head.Status: ReportStatus.Submitted } ? ReportChecker.Check(input.Values.Template, input.Values.Model, input.Previous) : null;
            if (input is null || check is null || check.HasErrors || check.Warnings.Count > 0)
            {
                skipped.Add(id);
                continue;
            }
            await ReportAccess.RecordTransitionAsync(tx.Connection, tx.Transaction, id, input.Head.Status, ReportStatus.AcceptedByMunicipality, "принят в составе пакета", ct);
            await tx.CommitAsync(ct);
            accepted++;
        }
        return new BulkResult(accepted, skipped);
    }

    public sealed record Transition(string? FromStatus, string ToStatus, string? Comment, DateTime At, string Actor);

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
    private Task<Result> MoveAsync(AccessScope scope, Actor actor, long reportId, string role, string[] from, string to, string? comment,
        DateOnly? resubmitUntil, int? rowVersion, CancellationToken ct) =>
        RunAsync(scope, actor, reportId, rowVersion, async (c, tx, head) =>
        {
            var allowed = role == Roles.RegionalAnalyst ? scope.IsRegional : scope.Role == role;
            if (!allowed)
                return new Result(Outcome.Forbidden, head.Status, "Это действие недоступно для вашей роли.");
            if (!from.Contains(head.Status))
                return new Result(Outcome.WrongStatus, head.Status, $"Отчёт в статусе «{ReportStatus.Title(head.Status)}»: это действие к нему неприменимо.");
            var returning = to is ReportStatus.ReturnedByMunicipality or ReportStatus.ReturnedByRegion;
            if (returning && string.IsNullOrWhiteSpace(comment))
                return new Result(Outcome.CommentRequired, head.Status, "Укажите, что нужно исправить: возврат без комментария невозможен.");
            await ReportAccess.RecordTransitionAsync(c, tx, head.Id, head.Status, to, comment?.Trim(), ct);
            if (returning)
                await c.ExecuteAsync(new CommandDefinition("UPDATE ekis.report SET resubmit_until = @until::date WHERE id = @id",
                    new { id = head.Id, until = Campaigns.Dates.Param(resubmitUntil ?? Today.AddDays(DefaultResubmitDays)) }, tx, cancellationToken: ct));
            return new Result(Outcome.Done, to);
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
