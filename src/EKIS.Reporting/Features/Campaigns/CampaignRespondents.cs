using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>
/// The expected respondents of a campaign as an analyst manages them: everyone fixed at opening, added
/// later or dropped, with who, when and why (changes go through <see cref="OpenCampaign"/>).
/// </summary>
public sealed class CampaignRespondents(NpgsqlDataSource db)
{
    public sealed record Row(long OrgUnitId, string EkisCode, string Name, string? MunicipalityName,
        DateTime AddedAt, string AddedBy, string? AddedReason, DateTime? DroppedAt, string? DroppedBy, string? DroppedReason)
    {
        public bool Dropped => DroppedAt is not null;
        /// <summary>Added after the campaign opened (with a reason), rather than fixed at opening.</summary>
        public bool AddedLater => AddedReason is not null;
    }

    /// <summary>Respondents in the role's scope, changed ones first; null when the role may not manage respondents.</summary>
    public async Task<IReadOnlyList<Row>?> ListAsync(AccessScope scope, long campaignId, CancellationToken ct = default)
    {
        if (!scope.IsRegional) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition("""
            SELECT u.id AS OrgUnitId, u.ekis_code AS EkisCode, coalesce(u.short_name, u.name) AS Name,
                   coalesce(m.short_name, m.name) AS MunicipalityName,
                   cr.added_at AS AddedAt, ekis.actor_name(cr.added_by) AS AddedBy, cr.added_reason AS AddedReason,
                   cr.dropped_at AS DroppedAt, ekis.actor_name(cr.dropped_by) AS DroppedBy, cr.dropped_reason AS DroppedReason
            FROM ekis.campaign_respondent cr
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = cr.org_unit_id
            JOIN ekis.org_unit u ON u.id = cr.org_unit_id
            LEFT JOIN ekis.unit_municipality um ON um.id = u.id
            LEFT JOIN ekis.org_unit m ON m.id = um.municipality_id
            WHERE cr.campaign_id = @campaignId
            ORDER BY (cr.dropped_at IS NULL AND cr.added_reason IS NULL), greatest(cr.added_at, cr.dropped_at) DESC, m.name, u.name
            """, new { role = scope.Role, unit = scope.OrgUnitId, campaignId }, cancellationToken: ct));
        return rows.ToList();
    }

    public sealed record Unit(long Id, string EkisCode, string Name);

    /// <summary>An organisation or branch by its ЕКИС code, inside the scope; null otherwise.</summary>
    public async Task<Unit?> FindUnitAsync(AccessScope scope, string ekisCode, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(ekisCode)) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Unit>(new CommandDefinition("""
            SELECT u.id, u.ekis_code AS EkisCode, coalesce(u.short_name, u.name) AS Name
            FROM ekis.org_unit u JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            WHERE u.ekis_code = @code AND u.level IN ('organisation', 'branch')
            """, new { role = scope.Role, unit = scope.OrgUnitId, code = ekisCode.Trim() }, cancellationToken: ct));
    }
}
