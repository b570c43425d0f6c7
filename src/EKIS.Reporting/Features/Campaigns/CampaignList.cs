using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>Campaigns with their completeness counts, counted over the respondents the role may see.</summary>
public sealed class CampaignList(NpgsqlDataSource db)
{
    public sealed record Row(long Id, string Form, string TemplateCode, string TemplateVersion, int Year, string Period, DateOnly DueDate,
        string Status, int Expected, int Started, int Submitted, int Returned, int AcceptedByMunicipality, int AcceptedByRegion);

    public async Task<IReadOnlyList<Row>> ListAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // Counts use the latest version of each expected respondent's report.
        var rows = await conn.QueryAsync<Row>(new CommandDefinition("""
            WITH scope AS (SELECT id FROM ekis.units_in_scope(@role, @unit)),
            latest AS (
                SELECT DISTINCT ON (r.campaign_id, r.org_unit_id) r.campaign_id, r.org_unit_id, r.status
                FROM ekis.report r JOIN scope s ON s.id = r.org_unit_id
                ORDER BY r.campaign_id, r.org_unit_id, r.version DESC)
            SELECT c.id, t.title AS Form, t.code AS TemplateCode, t.version AS TemplateVersion, c.year, c.period, c.due_date AS DueDate, c.status,
                   count(cr.org_unit_id)::int AS Expected,
                   count(l.status)::int AS Started,
                   count(*) FILTER (WHERE l.status = 'submitted')::int AS Submitted,
                   count(*) FILTER (WHERE l.status IN ('returned_by_municipality', 'returned_by_region'))::int AS Returned,
                   count(*) FILTER (WHERE l.status = 'accepted_by_municipality')::int AS AcceptedByMunicipality,
                   count(*) FILTER (WHERE l.status = 'accepted_by_region')::int AS AcceptedByRegion
            FROM ekis.campaign c
            JOIN ekis.template_version t ON t.id = c.template_version_id
            JOIN ekis.campaign_respondent cr ON cr.campaign_id = c.id AND cr.dropped_at IS NULL
            JOIN scope s ON s.id = cr.org_unit_id
            LEFT JOIN latest l ON l.campaign_id = c.id AND l.org_unit_id = cr.org_unit_id
            GROUP BY c.id, t.id
            ORDER BY c.due_date DESC, c.id DESC
            """, new { role = scope.Role, unit = scope.OrgUnitId }, cancellationToken: ct));
        return rows.ToList();
    }
}
