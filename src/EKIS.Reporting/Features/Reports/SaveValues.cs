using System.Text.Json;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Templates;
using EKIS.Reporting.Infrastructure.Time;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// Saves typed (or uploaded) cell values of a report: every cell is validated against the template
/// (known section/row/column, then the value by <see cref="CellValueRule"/>), all or
/// nothing; the save is refused when the report changed since the form was opened (row_version);
/// every changed value is written to the value audit with its old and new text.
/// </summary>
public sealed class SaveValues(NpgsqlDataSource db, RegionClock clock)
{
    public const string Typed = "typed";
    public const string Upload = "upload";
    public const string Import = "import";

    /// <summary>An empty or null value clears the cell. <paramref name="Title"/> fields given replace the stored ones (<see cref="TitleFields.Apply"/>).</summary>
    public sealed record Command(long ReportId, int RowVersion, IReadOnlyList<CellValue> Cells,
        IReadOnlyDictionary<string, string>? Title = null, string Source = Typed);

    public enum Outcome { Saved, NotFound, Invalid, Stale, ReadOnly, Forbidden }

    public sealed record CellError(CellValue Cell, string Message);

    public sealed record Result(Outcome Outcome, int RowVersion, int Changed, string? Message = null, IReadOnlyList<CellError>? Errors = null)
    {
        public bool Ok => Outcome == Outcome.Saved;
    }

    public const string StaleMessage = "Отчёт изменён другим пользователем после того, как вы его открыли. Ваши изменения не сохранены: обновите страницу и внесите их снова.";

    public async Task<Result> SaveAsync(AccessScope scope, Actor actor, Command cmd, CancellationToken ct = default)
    {
        if (cmd.Source is not (Typed or Upload or Import)) throw new ArgumentException("unknown source", nameof(cmd));
        await using var tx = await db.BeginAsAsync(actor, ct);
        var c = tx.Connection;
        var head = await ReportAccess.GetAsync(c, tx.Transaction, scope, cmd.ReportId, forUpdate: true, ct);
        if (head is null) return new Result(Outcome.NotFound, 0, 0, "Отчёт не найден.");
        var hasRight = await ReportAccess.HasRightAsync(c, tx.Transaction, scope, Rights.Fill, ct);
        if (EditProblem.For(head, scope, hasRight, clock.Today, EditIntent.Fill) is { } notAllowed)
            return new Result(notAllowed.Why == EditProblem.Reason.NoFillRight ? Outcome.Forbidden : Outcome.ReadOnly, head.RowVersion, 0, notAllowed.Message);
        if (head.RowVersion != cmd.RowVersion)
            return new Result(Outcome.Stale, head.RowVersion, 0, StaleMessage);

        var template = await TemplateCache.GetAsync(c, head.TemplateVersionId, head.TemplateLoadedAt, tx.Transaction, ct);
        // The title is written whole: the stored fields the form knows (anything else written before the
        // fields were enforced is dropped) with the typed ones applied under the template's keys.
        string? title = null;
        if (cmd.Title is not null)
        {
            var fields = TitleFields.Of(template, head.Registry);
            var merged = TitleFields.Known(fields, head.Title);
            if (TitleFields.Apply(fields, cmd.Title, merged) is { } refused)
                return new Result(Outcome.Invalid, head.RowVersion, 0, refused);
            title = JsonSerializer.Serialize(merged);
        }

        var errors = new List<CellError>();
        var parsed = new List<(CellValue Cell, string Section, string Row, string Column, string? Number, string? Text)>();
        var seen = new HashSet<(string, string, string, string?, string?, string?)>();
        foreach (var cell in cmd.Cells)
        {
            var problem = Validate(template, cell, out var canonical);
            if (problem is not null) { errors.Add(new CellError(cell, problem)); continue; }
            if (!seen.Add((canonical.Section, canonical.Row, canonical.Column, cell.S1, cell.S2, cell.S3)))
            {
                errors.Add(new CellError(cell, "ячейка указана дважды"));
                continue;
            }
            parsed.Add((cell, canonical.Section, canonical.Row, canonical.Column, canonical.Number, canonical.Text));
        }
        if (errors.Count > 0)
            return new Result(Outcome.Invalid, head.RowVersion, 0, "Отчёт не сохранён: исправьте значения в отмеченных ячейках.", errors);

        // Cell ids: fixed cells exist since the template was loaded; repeatable-row instances are added on first use.
        var sections = parsed.Select(p => p.Section).ToArray();
        var rows = parsed.Select(p => p.Row).ToArray();
        var columns = parsed.Select(p => p.Column).ToArray();
        var s1 = parsed.Select(p => p.Cell.S1).ToArray();
        var s2 = parsed.Select(p => p.Cell.S2).ToArray();
        var s3 = parsed.Select(p => p.Cell.S3).ToArray();
        var nums = parsed.Select(p => p.Number).ToArray();
        var texts = parsed.Select(p => p.Text).ToArray();
        var changes = (await c.QueryAsync<Change>(new CommandDefinition("""
            INSERT INTO ekis.template_cell (template_version_id, section, row_code, column_code, s1, s2, s3)
            SELECT @tv, s, r, col, a, b, d FROM unnest(@sections::text[], @rows::text[], @columns::text[], @s1::text[], @s2::text[], @s3::text[]) AS i (s, r, col, a, b, d)
            -- Only addresses not yet known: a conflicting insert would still use up an identity value.
            WHERE NOT EXISTS (SELECT 1 FROM ekis.template_cell tc WHERE tc.template_version_id = @tv AND tc.section = i.s AND tc.row_code = i.r
                              AND tc.column_code = i.col AND tc.s1 IS NOT DISTINCT FROM i.a AND tc.s2 IS NOT DISTINCT FROM i.b AND tc.s3 IS NOT DISTINCT FROM i.d)
            ON CONFLICT DO NOTHING;

            WITH input AS (
                SELECT * FROM unnest(@sections::text[], @rows::text[], @columns::text[], @s1::text[], @s2::text[], @s3::text[], @nums::text[], @texts::text[])
                    AS i (s, r, col, a, b, d, num, txt))
            SELECT tc.cell_id AS CellId, coalesce(v.value::text, v.text_value) AS OldValue, coalesce(i.num, i.txt) AS NewValue, i.num IS NOT NULL AS IsNumber
            FROM input i
            JOIN ekis.template_cell tc ON tc.template_version_id = @tv AND tc.section = i.s AND tc.row_code = i.r AND tc.column_code = i.col
                 AND tc.s1 IS NOT DISTINCT FROM i.a AND tc.s2 IS NOT DISTINCT FROM i.b AND tc.s3 IS NOT DISTINCT FROM i.d
            LEFT JOIN ekis.report_value v ON v.report_id = @id AND v.cell_id = tc.cell_id
            WHERE v.value IS DISTINCT FROM i.num::numeric OR v.text_value IS DISTINCT FROM i.txt
            """, new { tv = head.TemplateVersionId, id = head.Id, sections, rows, columns, s1, s2, s3, nums, texts }, tx.Transaction, cancellationToken: ct))).ToList();

        if (changes.Count == 0 && title is null)
            return new Result(Outcome.Saved, head.RowVersion, 0);

        var ids = changes.Select(x => x.CellId).ToArray();
        var newValues = changes.Select(x => x.NewValue).ToArray();
        var isNumber = changes.Select(x => x.IsNumber).ToArray();
        var rowVersion = await c.ExecuteScalarAsync<int>(new CommandDefinition("""
            DELETE FROM ekis.report_value v USING unnest(@ids::int[], @newValues::text[]) AS i (cell_id, val)
            WHERE v.report_id = @id AND v.cell_id = i.cell_id AND i.val IS NULL;

            INSERT INTO ekis.report_value (report_id, cell_id, value, text_value)
            SELECT @id, i.cell_id, CASE WHEN i.num THEN i.val::numeric END, CASE WHEN NOT i.num THEN i.val END
            FROM unnest(@ids::int[], @newValues::text[], @isNumber::bool[]) AS i (cell_id, val, num)
            WHERE i.val IS NOT NULL
            ON CONFLICT (report_id, cell_id) DO UPDATE SET value = EXCLUDED.value, text_value = EXCLUDED.text_value;

            INSERT INTO ekis.report_value_change (report_id, cell_id, version, old_value, new_value, source)
            SELECT @id, i.cell_id, @version, i.old, i.val, @source
            FROM unnest(@ids::int[], @oldValues::text[], @newValues::text[]) AS i (cell_id, old, val);

            UPDATE ekis.report SET row_version = row_version + 1, title = coalesce(@title::jsonb, title),
                   updated_at = now(), updated_by = ekis.current_actor()
            WHERE id = @id RETURNING row_version;
            """, new
            {
                id = head.Id, ids, newValues, isNumber, oldValues = changes.Select(x => x.OldValue).ToArray(),
                version = head.Version, source = cmd.Source, title,
            }, tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new Result(Outcome.Saved, rowVersion, changes.Count);
    }

    private sealed record Change(int CellId, string? OldValue, string? NewValue, bool IsNumber);

    public readonly record struct Canonical(string Section, string Row, string Column, string? Number, string? Text);

    /// <summary>Null when the cell may take the value; the canonical (template-spelled) address and value come out.</summary>
    public static string? Validate(FormTemplate t, CellValue cell, out Canonical canonical)
    {
        canonical = default;
        var si = t.SectionIndex(cell.Section);
        if (si < 0) return $"в форме нет раздела {cell.Section}";
        var s = t.Sections[si];
        var ri = s.RowIndex(cell.Row);
        if (ri < 0) return $"в разделе {s.Code} нет строки {cell.Row}";
        var ci = s.ColumnIndex(cell.Column);
        if (ci < 0) return $"в разделе {s.Code} нет графы {cell.Column}";
        var row = s.Rows[ri];
        var col = s.Columns[ci];
        if (row.Type == RowType.C) return $"строка {row.Code} — заголовок, она не заполняется";
        if (col.Type != ColumnType.Z) return $"графа {col.Code} не заполняется значениями";
        var hasSpecifics = !string.IsNullOrEmpty(cell.S1) || !string.IsNullOrEmpty(cell.S2) || !string.IsNullOrEmpty(cell.S3);
        if (row.Type == RowType.F && hasSpecifics) return $"у строки {row.Code} не бывает ключевых значений (s1–s3)";
        if (row.Type == RowType.M && !hasSpecifics) return $"для повторяющейся строки {row.Code} не указано ключевое значение";
        if (row.Type == RowType.M && KeyProblem(t, s, ri, row, cell) is { } keyProblem) return keyProblem;
        var spec = s.CellSpecFor(ri, ci);
        // Typed (or uploaded) text goes through the one cell-value rule: the normalised value or its reason.
        var format = CellValueRule.Of(t, spec);
        var check = CellValueRule.Check(format, cell.Value, ValueSpelling.Typed);
        if (!check.Ok) return check.Message;
        var isNumber = check.Value is not null && format.IsNumber;
        string? number = isNumber ? check.Value : null, text = isNumber ? null : check.Value;
        canonical = new Canonical(s.Code, row.Code, col.Code, number, text);
        return null;
    }

    /// <summary>Longest key value (s1–s3) of a repeatable row instance.</summary>
    public const int MaxKeyLength = 50;

    /// <summary>
    /// A repeatable row's key values: each at most <see cref="MaxKeyLength"/> characters; where the
    /// section has key (S) columns, only their slots may be given, and a key whose column has a
    /// dictionary must be one of its codes — so a request cannot invent row instances at will.
    /// </summary>
    private static string? KeyProblem(FormTemplate t, TemplateSection s, int ri, TemplateRow row, CellValue cell)
    {
        string?[] keys = [cell.S1, cell.S2, cell.S3];
        var keyColumns = s.Columns.Select((c, i) => (Column: c, Index: i, Slot: KeySlot(c.Fld))).Where(k => k.Column.Type == ColumnType.S && k.Slot > 0).ToList();
        for (var slot = 1; slot <= 3; slot++)
        {
            var key = keys[slot - 1];
            if (string.IsNullOrEmpty(key)) continue;
            if (key.Length > MaxKeyLength) return $"ключевое значение s{slot} строки {row.Code} длиннее {MaxKeyLength} символов";
            if (keyColumns.Count == 0) continue;
            var column = keyColumns.FirstOrDefault(k => k.Slot == slot);
            if (column.Column is null) return $"у строки {row.Code} нет ключевого значения s{slot}";
            var dictionary = t.Dictionary(s.CellSpecFor(ri, column.Index).Dic ?? column.Column.DefaultCell.Dic);
            if (dictionary is not null && !dictionary.Terms.Any(term => Codes.Same(term.Id, key)))
                return $"«{key}» нет в справочнике «{dictionary.Name}» (строка {row.Code}, графа {column.Column.Code})";
        }
        return null;
    }

    private static int KeySlot(string? fld) => fld?.Trim().ToLowerInvariant() switch { "s1" => 1, "s2" => 2, "s3" => 3, _ => 0 };
}
