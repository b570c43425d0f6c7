using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>
/// Campaign progress for analysts and operators: per municipality, expected / sent / returned /
/// accepted / overdue respondents (newest report version), and every respondent with its status,
/// the day it was sent and whether that was on time. Respondents and their municipalities are taken
/// from the tree on the campaign's reference date (or its due date).
/// "Sent" is anything past the draft and not returned; "overdue" is not sent while today is past the
/// due date and any extension or resubmission date; "on time" is a send on or before that last permitted day.
/// </summary>
public sealed class CampaignProgress(NpgsqlDataSource db, TimeProvider clock)
{
    public sealed record Municipality(long MunicipalityId, string Name, int Expected, int Sent, int Returned, int AcceptedByMunicipality,
        int AcceptedByRegion, int Overdue)
    {
        public int NotSent => Expected - Sent;
    }

    public sealed record NotSent(long OrgUnitId, string Name, string MunicipalityName, string? Status, bool Overdue);

    public sealed record Respondent(long OrgUnitId, string EkisCode, string Name, long MunicipalityId, string MunicipalityName,
        long? ReportId, int? Version, string? Status, DateOnly? SentOn, DateOnly LastDay, bool? OnTime, bool Overdue)
    {
        public bool HasSent => ReportStatus.IsSent(Status);
    }

    public sealed record Result(IReadOnlyList<Municipality> Municipalities, IReadOnlyList<NotSent> NotSentYet)
    {
        public IReadOnlyList<Respondent> Respondents { get; init; } = [];
        public DateOnly Today { get; init; }

        public Municipality Totals => new(0, "Итого", Municipalities.Sum(m => m.Expected), Municipalities.Sum(m => m.Sent),
            Municipalities.Sum(m => m.Returned), Municipalities.Sum(m => m.AcceptedByMunicipality), Municipalities.Sum(m => m.AcceptedByRegion),
            Municipalities.Sum(m => m.Overdue));
    }

    public async Task<Result?> GetAsync(AccessScope scope, long campaignId, CancellationToken ct = default)
    {
        if (scope.IsSchool) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        var todayDate = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        await using var tx = await CampaignScope.BeginWithoutJitAsync(conn, ct);
        var rows = (await conn.QueryAsync<Line>(new CommandDefinition("""
            WITH sc AS MATERIALIZED (
                SELECT * FROM ekis.scope_for_period(@role, @unit, (SELECT as_of FROM ekis.campaign WHERE id = @campaignId))),
            resp AS (
                SELECT c.id AS campaign_id, c.due_date, cr.org_unit_id, sc.municipality_id
                FROM ekis.campaign c
                JOIN ekis.campaign_respondent cr ON cr.campaign_id = c.id AND cr.dropped_at IS NULL
                JOIN sc ON sc.id = cr.org_unit_id
                WHERE c.id = @campaignId)
            SELECT u.id AS OrgUnitId, u.ekis_code AS EkisCode, coalesce(u.short_name, u.name) AS Name,
                   m.id AS MunicipalityId, coalesce(m.short_name, m.name) AS MunicipalityName,
                   r.id AS ReportId, r.version, r.status,
                   r.submitted_at AS SentAt,
                   ekis.report_last_day(resp.due_date, r.extension_until, r.resubmit_until) AS LastDay
            FROM resp
            JOIN ekis.org_unit u ON u.id = resp.org_unit_id
            LEFT JOIN ekis.unit_municipality um ON um.id = u.id
            JOIN ekis.org_unit m ON m.id = coalesce(resp.municipality_id, um.municipality_id)
            -- Progress follows the newest version (who must act now); which figures count is DataLevel's question.
            LEFT JOIN ekis.report_newest r ON r.campaign_id = resp.campaign_id AND r.org_unit_id = u.id
            ORDER BY m.name, u.name, u.id
            """, new { role = scope.Role, unit = scope.OrgUnitId, campaignId }, tx, cancellationToken: ct))).ToList();

        var zone = clock.LocalTimeZone;
        var respondents = rows.Select(r =>
        {
            var lastDay = r.LastDay;
            DateOnly? sentOn = r.SentAt is { } at
                ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)), zone).DateTime)
                : null;
            var open = !ReportStatus.IsSent(r.Status);
            return new Respondent(r.OrgUnitId, r.EkisCode, r.Name, r.MunicipalityId, r.MunicipalityName, r.ReportId, r.Version, r.Status,
                open ? null : sentOn, lastDay, open || sentOn is null ? null : sentOn <= lastDay, open && todayDate > lastDay);
        }).ToList();

        var municipalities = respondents.GroupBy(r => (r.MunicipalityId, r.MunicipalityName)).Select(g => new Municipality(g.Key.MunicipalityId,
            g.Key.MunicipalityName,
            g.Count(),
            g.Count(r => r.HasSent),
            g.Count(r => ReportStatus.IsReturned(r.Status)),
            g.Count(r => r.Status == ReportStatus.AcceptedByMunicipality),
            g.Count(r => r.Status == ReportStatus.AcceptedByRegion),
            g.Count(r => r.Overdue))).ToList();
        var notSent = respondents.Where(r => !r.HasSent)
            .Select(r => new NotSent(r.OrgUnitId, r.Name, r.MunicipalityName, r.Status, r.Overdue)).ToList();
        return new Result(municipalities, notSent) { Respondents = respondents, Today = todayDate };
    }

    private sealed record Line(long OrgUnitId, string EkisCode, string Name, long MunicipalityId, string MunicipalityName,
        long? ReportId, int? Version, string? Status, DateTime? SentAt, DateOnly LastDay);
}
