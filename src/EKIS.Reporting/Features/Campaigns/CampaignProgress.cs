using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>
/// Campaign progress for analysts and operators: per municipality, expected / sent / returned /
/// accepted / overdue respondents (newest report version), and the respondents that have not sent.
/// "Sent" is anything past the draft; "overdue" is not sent while today is past the due date and any extension or resubmission date.
/// </summary>
public sealed class CampaignProgress(NpgsqlDataSource db, TimeProvider clock)
{
    public sealed record Municipality(long MunicipalityId, string Name, int Expected, int Sent, int Returned, int AcceptedByMunicipality,
        int AcceptedByRegion, int Overdue);

    public sealed record NotSent(long OrgUnitId, string Name, string MunicipalityName, string? Status, bool Overdue);

    public sealed record Result(IReadOnlyList<Municipality> Municipalities, IReadOnlyList<NotSent> NotSentYet);

    public async Task<Result?> GetAsync(AccessScope scope, long campaignId, CancellationToken ct = default)
    {
        if (scope.IsSchool) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        var today = Dates.Param(DateOnly.FromDateTime(clock.GetLocalNow().DateTime));
        var rows = (await conn.QueryAsync<Line>(new CommandDefinition("""
            SELECT u.id AS OrgUnitId, coalesce(u.short_name, u.name) AS Name, m.id AS MunicipalityId, coalesce(m.short_name, m.name) AS MunicipalityName,
                   r.status,
                   (coalesce(r.status, 'draft') IN ('draft', 'returned_by_municipality', 'returned_by_region')
                    AND @today::date > greatest(c.due_date, coalesce(r.extension_until, c.due_date), coalesce(r.resubmit_until, c.due_date))) AS Overdue
            FROM ekis.campaign c
            JOIN ekis.campaign_respondent cr ON cr.campaign_id = c.id AND cr.dropped_at IS NULL
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = cr.org_unit_id
            JOIN ekis.org_unit u ON u.id = cr.org_unit_id
            LEFT JOIN ekis.org_unit p ON p.id = u.parent_id
            JOIN ekis.org_unit m ON m.id = CASE WHEN u.level = 'branch' THEN p.parent_id ELSE u.parent_id END
            LEFT JOIN LATERAL (SELECT * FROM ekis.report r WHERE r.campaign_id = c.id AND r.org_unit_id = u.id ORDER BY r.version DESC LIMIT 1) r ON true
            WHERE c.id = @campaignId
            ORDER BY m.name, u.name
            """, new { role = scope.Role, unit = scope.OrgUnitId, campaignId, today }, cancellationToken: ct))).ToList();
        var municipalities = rows.GroupBy(r => (r.MunicipalityId, r.MunicipalityName)).Select(g => new Municipality(g.Key.MunicipalityId, g.Key.MunicipalityName,
            g.Count(),
            g.Count(r => r.Status is not (null or "draft")),
            g.Count(r => r.Status is "returned_by_municipality" or "returned_by_region"),
            g.Count(r => r.Status == "accepted_by_municipality"),
            g.Count(r => r.Status == "accepted_by_region"),
            g.Count(r => r.Overdue))).ToList();
        var notSent = rows.Where(r => r.Status is null or "draft" or "returned_by_municipality" or "returned_by_region")
            .Select(r => new NotSent(r.OrgUnitId, r.Name, r.MunicipalityName, r.Status, r.Overdue)).ToList();
        return new Result(municipalities, notSent);
    }

    private sealed record Line(long OrgUnitId, string Name, long MunicipalityId, string MunicipalityName, string? Status, bool Overdue);
}
