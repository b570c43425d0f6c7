using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Templates.Checking;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// The review path: the respondent submits (only without control errors, only with the submit right,
/// within the deadline, extension or resubmission date); the municipal operator accepts or returns
/// with a comment, and may withdraw an acceptance until the region accepts; the department analyst
/// accepts or returns. Every transition is recorded with who, when and the comment.
/// </summary>
public sealed class ReportReview(NpgsqlDataSource db, TimeProvider clock)
{
    public enum Outcome { Done, NotFound, Forbidden, WrongStatus, Stale, Deadline, HasErrors, CommentRequired }

    public sealed record Result(Outcome Outcome, string Status, string? Message = null, CheckResult? Check = null)
    {
        public bool Ok => Outcome == Outcome.Done;
    }

    /// <summary>How long a returned report stays open for resubmission when the reviewer sets no date.</summary>
    public static readonly int DefaultResubmitDays = 7;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    public Task<Result> SubmitAsync(AccessScope scope, Actor actor, long reportId, int? rowVersion = null, CancellationToken ct = default) =>
        RunAsync(scope, actor, reportId, rowVersion, async (c, tx, head) =>
        {
            if (!await ReportAccess.HasRightAsync(c, tx, scope, Rights.Submit, ct))
                return new Result(Outcome.Forbidden, head.Status, "У вас нет права отправлять отчёты: его даёт руководитель организации.");
            if (!head.IsEditableStatus)
                return new Result(Outcome.WrongStatus, head.Status, $"Отчёт уже в статусе «{ReportStatus.Title(head.Status)}», отправить его повторно нельзя.");
            if (head.CampaignStatus != "open" || !head.WithinDeadline(Today))
                return new Result(Outcome.Deadline, head.Status, "Срок сдачи отчёта истёк: отправить его можно только после продления срока.");
            var values = await ReportValues.LoadAsync(c, tx, head, ct);
            var check = ReportChecker.Check(values.Template, values.Model);
            if (check.HasErrors)
                return new Result(Outcome.HasErrors, head.Status, $"В отчёте есть ошибки ({check.Errors.Count}): исправьте их и отправьте снова.", check);
            await ReportAccess.RecordTransitionAsync(c, tx, head.Id, head.Status, ReportStatus.Submitted, null, ct);
            return new Result(Outcome.Done, ReportStatus.Submitted, null, check);
        }, ct);

    public Task<Result> AcceptByMunicipalityAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.MunicipalOperator, [ReportStatus.Submitted], ReportStatus.AcceptedByMunicipality, comment, null, ct);

    public Task<Result> ReturnByMunicipalityAsync(AccessScope scope, Actor actor, long reportId, string comment, DateOnly? resubmitUntil = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.MunicipalOperator, [ReportStatus.Submitted], ReportStatus.ReturnedByMunicipality, comment, resubmitUntil, ct);

    /// <summary>The operator takes back an acceptance the region has not yet acted on; the report is under review again.</summary>
    public Task<Result> WithdrawMunicipalAcceptanceAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.MunicipalOperator, [ReportStatus.AcceptedByMunicipality], ReportStatus.Submitted, comment, null, ct);

    public Task<Result> AcceptByRegionAsync(AccessScope scope, Actor actor, long reportId, string? comment = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.RegionalAnalyst, [ReportStatus.AcceptedByMunicipality], ReportStatus.AcceptedByRegion, comment, null, ct);

    public Task<Result> ReturnByRegionAsync(AccessScope scope, Actor actor, long reportId, string comment, DateOnly? resubmitUntil = null, CancellationToken ct = default) =>
        MoveAsync(scope, actor, reportId, Roles.RegionalAnalyst, [ReportStatus.Submitted, ReportStatus.AcceptedByMunicipality], ReportStatus.ReturnedByRegion, comment, resubmitUntil, ct);

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

    private Task<Result> MoveAsync(AccessScope scope, Actor actor, long reportId, string role, string[] from, string to, string? comment,
        DateOnly? resubmitUntil, CancellationToken ct) =>
        RunAsync(scope, actor, reportId, null, async (c, tx, head) =>
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
