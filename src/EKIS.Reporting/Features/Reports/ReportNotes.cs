using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Infrastructure.Time;
using EKIS.Reporting.Templates.Model;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// What the respondent writes beside the numbers: an explanation per control warning (a report with
/// an unexplained warning is not sent, <see cref="Lifecycle.ReportReview.SubmitAsync"/>) and a comment per
/// cell. Written by whoever may fill the report in, while it may be edited; an empty text removes.
/// </summary>
public sealed class ReportNotes(NpgsqlDataSource db, RegionClock clock)
{
    public const int MaxLength = 2000;

    public enum Outcome { Saved, NotFound, Forbidden, ReadOnly, Invalid }

    public sealed record Result(Outcome Outcome, string? Message = null)
    {
        public bool Ok => Outcome == Outcome.Saved;
    }

    public sealed record CellComment(string Section, string Row, string Column, string? S1, string? S2, string? S3, string Comment,
        DateTime UpdatedAt, string UpdatedBy);

    /// <summary>Sets (or with an empty text removes) the explanation of control <paramref name="controlId"/>'s warning.</summary>
    public Task<Result> ExplainAsync(AccessScope scope, Actor actor, long reportId, string controlId, string? explanation, CancellationToken ct = default) =>
        RunAsync(scope, actor, reportId, async (c, tx, head, template) =>
        {
            var control = template.Controls.FirstOrDefault(x => x.Definition.Id == controlId?.Trim());
            if (control is null) return new Result(Outcome.Invalid, $"В форме нет контроля «{controlId}».");
            if (control.Definition.Tip != ControlSeverity.Warning)
                return new Result(Outcome.Invalid, $"Контроль {control.Definition.Id} — ошибка, а не предупреждение: её нужно исправить, а не пояснить.");
            var text = explanation?.Trim() ?? "";
            if (text.Length > MaxLength) return new Result(Outcome.Invalid, $"Пояснение длиннее {MaxLength} символов.");
            await c.ExecuteAsync(new CommandDefinition(text.Length == 0
                ? "DELETE FROM ekis.report_explanation WHERE report_id = @id AND control_id = @controlId"
                : """
                  INSERT INTO ekis.report_explanation (report_id, control_id, explanation) VALUES (@id, @controlId, @text)
                  ON CONFLICT (report_id, control_id) DO UPDATE SET explanation = EXCLUDED.explanation,
                      updated_at = now(), updated_by = ekis.current_actor()
                  """, new { id = head.Id, controlId = control.Definition.Id, text }, tx, cancellationToken: ct));
            return new Result(Outcome.Saved);
        }, ct);

    /// <summary>Sets (or with an empty text removes, leaving an audit event) the comment on one cell.</summary>
    public Task<Result> CommentAsync(AccessScope scope, Actor actor, long reportId, CellValue cell, string? comment, CancellationToken ct = default) =>
        RunAsync(scope, actor, reportId, async (c, tx, head, template) =>
        {
            var problem = SaveValues.Validate(template, cell with { Value = null }, out var canonical);
            if (problem is not null) return new Result(Outcome.Invalid, $"Комментарий не сохранён: {problem}.");
            var text = comment?.Trim() ?? "";
            if (text.Length > MaxLength) return new Result(Outcome.Invalid, $"Комментарий длиннее {MaxLength} символов.");
            var args = new
            {
                id = head.Id, section = canonical.Section, row = canonical.Row, column = canonical.Column,
                s1 = Blank(cell.S1), s2 = Blank(cell.S2), s3 = Blank(cell.S3), text,
            };
            if (text.Length == 0)
            {
                await c.ExecuteAsync(new CommandDefinition("""
                    WITH gone AS (
                        DELETE FROM ekis.report_cell_comment
                        WHERE report_id = @id AND section = @section AND row_code = @row AND column_code = @column
                          AND s1 IS NOT DISTINCT FROM @s1 AND s2 IS NOT DISTINCT FROM @s2 AND s3 IS NOT DISTINCT FROM @s3
                        RETURNING *)
                    INSERT INTO ekis.audit_event (action, entity, entity_id, details)
                    SELECT 'cell_comment_removed', 'report', report_id::text,
                           jsonb_build_object('section', section, 'row', row_code, 'column', column_code, 's1', s1, 's2', s2, 's3', s3,
                                              'comment', comment, 'written_by', updated_by, 'written_at', updated_at)
                    FROM gone
                    """, args, tx, cancellationToken: ct));
                return new Result(Outcome.Saved);
            }
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO ekis.report_cell_comment (report_id, section, row_code, column_code, s1, s2, s3, comment)
                VALUES (@id, @section, @row, @column, @s1, @s2, @s3, @text)
                ON CONFLICT (report_id, section, row_code, column_code, s1, s2, s3) DO UPDATE SET comment = EXCLUDED.comment,
                    updated_at = now(), updated_by = ekis.current_actor()
                """, args, tx, cancellationToken: ct));
            return new Result(Outcome.Saved);
        }, ct);

    internal const string ExplanationsSql = "SELECT control_id, explanation FROM ekis.report_explanation WHERE report_id = @reportId";

    internal static async Task<IReadOnlyDictionary<string, string>> ExplanationsAsync(NpgsqlConnection c, NpgsqlTransaction? tx, long reportId, CancellationToken ct) =>
        (await c.QueryAsync<(string ControlId, string Explanation)>(new CommandDefinition(ExplanationsSql, new { reportId }, tx, cancellationToken: ct)))
        .ToDictionary(x => x.ControlId, x => x.Explanation, StringComparer.Ordinal);

    internal static async Task<IReadOnlyList<CellComment>> CommentsAsync(NpgsqlConnection c, NpgsqlTransaction? tx, long reportId, CancellationToken ct) =>
        (await c.QueryAsync<CellComment>(new CommandDefinition("""
            SELECT k.section, k.row_code AS Row, k.column_code AS Column, k.s1, k.s2, k.s3, k.comment, k.updated_at AS UpdatedAt,
                   ekis.actor_name(k.updated_by) AS UpdatedBy
            FROM ekis.report_cell_comment k
            WHERE k.report_id = @reportId ORDER BY k.id
            """, new { reportId }, tx, cancellationToken: ct))).ToList();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task<Result> RunAsync(AccessScope scope, Actor actor, long reportId,
        Func<NpgsqlConnection, NpgsqlTransaction, ReportHead, FormTemplate, Task<Result>> action, CancellationToken ct)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var c = tx.Connection;
        var head = await ReportAccess.GetAsync(c, tx.Transaction, scope, reportId, forUpdate: true, ct);
        if (head is null) return new Result(Outcome.NotFound, "Отчёт не найден.");
        var hasRight = await ReportAccess.HasRightAsync(c, tx.Transaction, scope, Rights.Fill, ct);
        if (EditProblem.For(head, scope, hasRight, clock.Today, EditIntent.Fill) is { } problem)
            return new Result(problem.Why == EditProblem.Reason.NoFillRight ? Outcome.Forbidden : Outcome.ReadOnly, problem.Message);
        var template = await TemplateCache.GetAsync(c, head.TemplateVersionId, head.TemplateLoadedAt, tx.Transaction, ct);
        var result = await action(c, tx.Transaction, head, template);
        if (result.Ok) await tx.CommitAsync(ct);
        return result;
    }
}
