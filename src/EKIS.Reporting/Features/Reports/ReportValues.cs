using System.Globalization;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Templates.Model;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>One cell's address and value as the entry page and the save command carry it (M-row instances by s1…s3).</summary>
public sealed record CellValue(string Section, string Row, string Column, string? Value, string? S1 = null, string? S2 = null, string? S3 = null);

/// <summary>A report with its stored values, and the same values as the template engine's report model.</summary>
public sealed class ReportValues(NpgsqlDataSource db)
{
    public sealed record Result(ReportHead Head, IReadOnlyDictionary<string, string> Title, IReadOnlyList<CellValue> Cells, Report Model, FormTemplate Template);

    public async Task<Result?> GetAsync(AccessScope scope, long reportId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var head = await ReportAccess.GetAsync(conn, null, scope, reportId, forUpdate: false, ct);
        if (head is null) return null;
        return await LoadAsync(conn, null, head, ct);
    }

    internal static async Task<Result> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, ReportHead head, CancellationToken ct)
    {
        var template = await TemplateCache.GetAsync(conn, head.TemplateVersionId, head.TemplateLoadedAt, tx, ct);
        var cells = await conn.QueryAsync<StoredCell>(new CommandDefinition(CellsSql, new { reportId = head.Id }, tx, cancellationToken: ct));
        return Build(template, head, cells);
    }

    private const string CellsSql = """
        SELECT c.section, c.row_code AS Row, c.column_code AS Column, c.s1, c.s2, c.s3, v.value, v.text_value AS TextValue
        FROM ekis.report_value v JOIN ekis.template_cell c ON c.cell_id = v.cell_id
        WHERE v.report_id = @reportId
        """;

    /// <summary>
    /// The previous period's report for controls with <c>{{…}}</c>: the version that counts at the region
    /// level (<see cref="DataLevel.Region"/>: the newest regionally accepted one) of the same respondent's
    /// latest earlier period made with the same template version.
    /// </summary>
    private const string PreviousIdSql = """
        SELECT r.report_id FROM ekis.report h JOIN ekis.campaign hc ON hc.id = h.campaign_id
        JOIN ekis.report_counting_region r ON r.org_unit_id = h.org_unit_id
        JOIN ekis.campaign c ON c.id = r.campaign_id AND c.template_version_id = hc.template_version_id
             /* period codes compared as numbers would be: a shorter code is an earlier one ("9" < "10") */
             AND (c.year, length(c.period), c.period) < (hc.year, length(hc.period), hc.period)
        WHERE h.id = @reportId
        ORDER BY c.year DESC, length(c.period) DESC, c.period DESC LIMIT 1
        """;

    private static Result Build(FormTemplate template, ReportHead head, IEnumerable<StoredCell> stored)
    {
        var cells = stored
            .Select(x => new CellValue(x.Section, x.Row, x.Column, x.Value?.ToString(CultureInfo.InvariantCulture) ?? x.TextValue, x.S1, x.S2, x.S3))
            .ToList();
        var title = TitleFields.Shown(TitleFields.Of(template, head.Registry), head.Title, head.Registry);
        return new Result(head, title, cells, BuildModel(template, head, title, cells), template);
    }

    /// <summary>
    /// The previous period's report for controls with <c>{{…}}</c>: the same respondent's latest
    /// regionally accepted report made with the same template version for an earlier period, or null.
    /// </summary>
    internal static async Task<Report?> PreviousAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, ReportHead head, CancellationToken ct)
    {
        var id = await conn.ExecuteScalarAsync<long?>(new CommandDefinition(PreviousIdSql, new { reportId = head.Id }, tx, cancellationToken: ct));
        return await PreviousModelAsync(conn, tx, id, ct);
    }

    private static async Task<Report?> PreviousModelAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long? previousId, CancellationToken ct)
    {
        if (previousId is not { } id) return null;
        var previous = await ReportAccess.GetUnscopedAsync(conn, tx, id, ct);
        return previous is null ? null : (await LoadAsync(conn, tx, previous, ct)).Model;
    }

    /// <summary>What a check (and a submission) reads: the report through the scope, its values, the previous period's report and the explanations given to warnings.</summary>
    internal sealed record CheckInput(Result Values, Report? Previous, IReadOnlyDictionary<string, string> Explanations)
    {
        public ReportHead Head => Values.Head;
    }

    /// <summary>
    /// The head (through the scope, locked with <paramref name="forUpdate"/>), the values, the previous
    /// period's report id and the explanations in one round trip — the statements run in that order, so
    /// in a transaction everything after the head is read under its lock. Null outside the scope (what
    /// the later statements read is then dropped unseen). A previous report, when there is one, costs
    /// two more round trips.
    /// </summary>
    internal static async Task<CheckInput?> LoadForCheckAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, AccessScope scope, long reportId, bool forUpdate, CancellationToken ct)
    {
        ReportHead? head;
        List<StoredCell> cells;
        long? previousId;
        Dictionary<string, string> explanations;
        using (var multi = await conn.QueryMultipleAsync(new CommandDefinition(
                   ReportAccess.HeadSql(scope, forUpdate) + ";\n" + CellsSql + ";\n" + PreviousIdSql + ";\n" + ReportNotes.ExplanationsSql,
                   new { role = scope.Role, unit = scope.OrgUnitId, reportId }, tx, cancellationToken: ct)))
        {
            head = await multi.ReadSingleOrDefaultAsync<ReportHead?>();
            cells = (await multi.ReadAsync<StoredCell>()).ToList();
            previousId = await multi.ReadSingleOrDefaultAsync<long?>();
            explanations = (await multi.ReadAsync<(string ControlId, string Explanation)>())
                .ToDictionary(x => x.ControlId, x => x.Explanation, StringComparer.Ordinal);
        }
        if (head is null) return null;
        var template = await TemplateCache.GetAsync(conn, head.TemplateVersionId, head.TemplateLoadedAt, tx, ct);
        return new CheckInput(Build(template, head, cells), await PreviousModelAsync(conn, tx, previousId, ct), explanations);
    }

    private sealed record StoredCell(string Section, string Row, string Column, string? S1, string? S2, string? S3, decimal? Value, string? TextValue);

    /// <summary>The engine's report model: sections and rows in template order, title fields in the template's order.</summary>
    public static Report BuildModel(FormTemplate t, ReportHead head, IReadOnlyDictionary<string, string> title, IReadOnlyList<CellValue> cells)
    {
        var header = new ReportHeader(t.Code, t.Header.Idf, t.Header.Shifr, t.Version, t.Header.FormatVersion,
            head.Year.ToString(CultureInfo.InvariantCulture), head.Period);
        var titleItems = t.Title.Select(f => new ReportTitleItem(f.Field, title.TryGetValue(f.Field, out var v) ? v : "")).ToList();
        var sections = new List<ReportSection>();
        foreach (var s in t.Sections)
        {
            var inSection = cells.Where(c => Codes.Same(c.Section, s.Code) && !string.IsNullOrEmpty(c.Value)).ToList();
            var rows = new List<ReportRow>();
            foreach (var r in s.Rows)
            {
                var instances = inSection.Where(c => Codes.Same(c.Row, r.Code))
                    .GroupBy(c => (c.S1, c.S2, c.S3))
                    .OrderBy(g => g.Key.S1, StringComparer.Ordinal).ThenBy(g => g.Key.S2, StringComparer.Ordinal).ThenBy(g => g.Key.S3, StringComparer.Ordinal);
                foreach (var g in instances)
                {
                    var rowCells = s.Columns.Select(col => g.FirstOrDefault(c => Codes.Same(c.Column, col.Code)))
                        .Where(c => c is not null).Select(c => new ReportCell(c!.Column, c.Value!)).ToList();
                    rows.Add(new ReportRow(r.Code, rowCells, g.Key.S1, g.Key.S2, g.Key.S3));
                }
            }
            sections.Add(new ReportSection(s.Code, rows));
        }
        return new Report(header, titleItems, sections);
    }
}
