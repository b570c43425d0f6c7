using System.Globalization;
using System.Text.Json;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
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
        var template = await TemplateCache.GetAsync(conn, head.TemplateVersionId, tx, ct);
        var cells = (await conn.QueryAsync<StoredCell>(new CommandDefinition("""
            SELECT c.section, c.row_code AS Row, c.column_code AS Column, c.s1, c.s2, c.s3, v.value, v.text_value AS TextValue
            FROM ekis.report_value v JOIN ekis.template_cell c ON c.cell_id = v.cell_id
            WHERE v.report_id = @id
            """, new { id = head.Id }, tx, cancellationToken: ct)))
            .Select(x => new CellValue(x.Section, x.Row, x.Column, x.Value?.ToString(CultureInfo.InvariantCulture) ?? x.TextValue, x.S1, x.S2, x.S3))
            .ToList();
        var title = JsonSerializer.Deserialize<Dictionary<string, string>>(head.Title) ?? [];
        return new Result(head, title, cells, BuildModel(template, head, title, cells), template);
    }

    /// <summary>
    /// The previous period's report for controls with <c>{{…}}</c>: the same respondent's latest
    /// regionally accepted report made with the same template version for an earlier period, or null.
    /// </summary>
    internal static async Task<Report?> PreviousAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, ReportHead head, CancellationToken ct)
    {
        var id = await conn.ExecuteScalarAsync<long?>(new CommandDefinition("""
            SELECT r.id FROM ekis.report r JOIN ekis.campaign c ON c.id = r.campaign_id
            WHERE r.org_unit_id = @OrgUnitId AND c.template_version_id = @TemplateVersionId AND r.status = 'accepted_by_region'
              AND (c.year, c.period) < (@Year, @Period)
            ORDER BY c.year DESC, c.period DESC, r.version DESC LIMIT 1
            """, new { head.OrgUnitId, head.TemplateVersionId, head.Year, head.Period }, tx, cancellationToken: ct));
        if (id is not { } previousId) return null;
        var previous = await ReportAccess.GetUnscopedAsync(conn, tx, previousId, ct);
        return previous is null ? null : (await LoadAsync(conn, tx, previous, ct)).Model;
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
