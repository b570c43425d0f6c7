using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Infrastructure.Time;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>«Мои формы»: the open campaigns a school (and its branches) must report in, with the report's status and the days left.</summary>
public sealed class MyForms(NpgsqlDataSource db, RegionClock clock)
{
    public sealed record Row(long CampaignId, long OrgUnitId, string OrgUnitName, string Form, int Year, string Period, DateOnly DueDate,
        long? ReportId, int? Version, string? Status, DateOnly? ExtensionUntil, DateOnly? ResubmitUntil)
    {
        public string StatusTitle => Status is null ? "не начат" : ReportStatus.Title(Status);

        /// <summary>The last day the respondent may still send: the latest of the due date, its extension and a return's resubmission date.</summary>
        public DateOnly LastDay => Lifecycle.LastDay.Of(DueDate, ExtensionUntil, ResubmitUntil);
    }

    public sealed record Item(Row Form, int DaysLeft);

    public async Task<IReadOnlyList<Item>> ListAsync(AccessScope scope, CancellationToken ct = default)
    {
        if (!scope.IsSchool) return [];
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition("""
            SELECT c.id AS CampaignId, u.id AS OrgUnitId, coalesce(u.short_name, u.name) AS OrgUnitName, t.title AS Form, c.year, c.period,
                   c.due_date AS DueDate, r.id AS ReportId, r.version, r.status, r.extension_until AS ExtensionUntil, r.resubmit_until AS ResubmitUntil
            FROM ekis.campaign c
            JOIN ekis.template_version t ON t.id = c.template_version_id
            JOIN ekis.campaign_respondent cr ON cr.campaign_id = c.id AND cr.dropped_at IS NULL
            -- Candidates: the units in scope today and any unit that was ever a branch of the school;
            -- the tree on the campaign's reference date decides (as for every report, ReportAccess).
            JOIN (SELECT s.id FROM ekis.units_in_scope(@role, @unit) s
                  UNION
                  SELECT h.org_unit_id FROM ekis.org_unit_history h WHERE h.new_row ->> 'parent_id' = @unit::text) k ON k.id = cr.org_unit_id
            JOIN ekis.org_unit u ON u.id = cr.org_unit_id
            LEFT JOIN ekis.report_newest r ON r.campaign_id = c.id AND r.org_unit_id = u.id
            WHERE c.status = 'open' AND ekis.covers_on(@role, @unit, cr.org_unit_id, c.as_of)
            ORDER BY c.due_date, t.title, u.name
            """, new { role = scope.Role, unit = scope.OrgUnitId }, cancellationToken: ct));
        var today = clock.Today;
        return rows.Select(r => new Item(r, r.LastDay.DayNumber - today.DayNumber)).ToList();
    }
}
