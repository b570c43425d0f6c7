using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Templates.Model;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// The value audit of one cell, as the entry page shows it from the cell's menu: every change of the
/// cell in this report and its earlier versions (who, when, old, new, version, source), newest first.
/// </summary>
public sealed class CellHistory(NpgsqlDataSource db)
{
    public sealed record Change(DateTime At, string Who, string? OldValue, string? NewValue, int Version, string Source);

    /// <summary>Null when the report is outside the scope or the cell is not in the form.</summary>
    public async Task<IReadOnlyList<Change>?> ListAsync(AccessScope scope, long reportId, CellValue cell, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var head = await ReportAccess.GetAsync(conn, null, scope, reportId, forUpdate: false, ct);
        if (head is null) return null;
        var template = await TemplateCache.GetAsync(conn, head.TemplateVersionId, head.TemplateLoadedAt, null, ct);
        if (SaveValues.Validate(template, cell with { Value = null }, out var canonical) is not null) return null;
        var rows = await conn.QueryAsync<Change>(new CommandDefinition("""
            SELECT ch.at, ekis.actor_name(ch.actor) AS Who, ch.old_value AS OldValue, ch.new_value AS NewValue, ch.version, ch.source
            FROM ekis.report r
            JOIN ekis.report_value_change ch ON ch.report_id = r.id
            JOIN ekis.template_cell tc ON tc.cell_id = ch.cell_id
            WHERE r.campaign_id = @CampaignId AND r.org_unit_id = @OrgUnitId AND r.version <= @Version
              AND tc.section = @section AND tc.row_code = @row AND tc.column_code = @column
              AND tc.s1 IS NOT DISTINCT FROM @s1 AND tc.s2 IS NOT DISTINCT FROM @s2 AND tc.s3 IS NOT DISTINCT FROM @s3
            ORDER BY ch.at DESC, ch.id DESC
            LIMIT 200
            """, new
            {
                head.CampaignId, head.OrgUnitId, head.Version, section = canonical.Section, row = canonical.Row, column = canonical.Column,
                s1 = Blank(cell.S1), s2 = Blank(cell.S2), s3 = Blank(cell.S3),
            }, cancellationToken: ct));
        return rows.ToList();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
