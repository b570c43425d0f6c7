using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using Npgsql;

namespace EKIS.Reporting.Features.Review;

/// <summary>
/// «Проверка отчётов»: the newest report of each respondent of a campaign that the reviewer's scope
/// covers, filtered by status (by default those waiting for this role's action: submitted for an
/// operator, accepted by the municipality for an analyst) and municipality, sorted and paged in SQL.
/// Scoped like campaign progress: by the tree on the campaign's reference date (or due date), and grouped
/// under the municipality of that date (<c>ekis.scope_for_period</c>, migration 0011).
/// </summary>
public sealed class ReviewQueue(NpgsqlDataSource db, CheckReport check)
{
    public const string Mine = "mine";
    public const string Any = "all";

    public sealed record Query(long CampaignId, string Status = Mine, long? MunicipalityId = null, string Sort = "sent", bool Descending = false,
        int Page = 1, int PageSize = 25);

    public sealed record Row(long ReportId, long OrgUnitId, string EkisCode, string Name, string? MunicipalityName, int Version, string Status,
        DateTime? SentAt, DateTime UpdatedAt)
    {
        public string StatusTitle => ReportStatus.Title(Status);
    }

    public sealed record Result(IReadOnlyList<Row> Items, int Total, int PageNumber, int PageSize, string Status)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    public sealed record Badge(int Errors, int Warnings);

    public static readonly IReadOnlyList<string> Statuses =
    [
        ReportStatus.Submitted, ReportStatus.AcceptedByMunicipality, ReportStatus.AcceptedByRegion,
        ReportStatus.ReturnedByMunicipality, ReportStatus.ReturnedByRegion, ReportStatus.Draft,
    ];

    /// <summary>ORDER BY fragments by sort key: constants chosen here, never text from the request.</summary>
    private static readonly IReadOnlyDictionary<string, string> Orders = new Dictionary<string, string>
    {
        ["sent"] = "r.submitted_at {0} NULLS LAST",
        ["name"] = "coalesce(u.short_name, u.name) {0}",
        ["municipality"] = "coalesce(m.short_name, m.name) {0}",
        ["status"] = "r.status {0}",
        ["updated"] = "r.updated_at {0}",
    };

    public static IReadOnlyCollection<string> SortKeys => (IReadOnlyCollection<string>)Orders.Keys;

    /// <summary>The status this role acts on: submitted for an operator, accepted by the municipality for an analyst.</summary>
    public static string? WaitingFor(AccessScope scope) => scope.Role switch
    {
        Roles.MunicipalOperator => ReportStatus.Submitted,
        Roles.RegionalAnalyst or Roles.Admin => ReportStatus.AcceptedByMunicipality,
        _ => null,
    };

    public async Task<Result?> ListAsync(AccessScope scope, Query q, CancellationToken ct = default)
    {
        if (scope.IsSchool) return null;
        var status = q.Status == Mine ? WaitingFor(scope) : Statuses.Contains(q.Status) ? q.Status : null;
        var order = string.Format(System.Globalization.CultureInfo.InvariantCulture, Orders.GetValueOrDefault(q.Sort, Orders["sent"]), q.Descending ? "DESC" : "ASC");
        var size = Math.Clamp(q.PageSize, 5, 200);
        var page = Math.Max(1, q.Page);
        var rows = await PageAsync(scope, q, status, order, size, page, ct);
        if (rows.Count == 0 && page > 1) // a page past the end (the list shrank): the first page instead
            rows = await PageAsync(scope, q, status, order, size, page = 1, ct);
        var total = rows.Count > 0 ? (int)rows[0].Total : 0;
        return new Result(rows.Select(l => new Row(l.ReportId, l.OrgUnitId, l.EkisCode, l.Name, l.MunicipalityName, l.Version, l.Status, l.SentAt, l.UpdatedAt)).ToList(),
            total, page, size, status ?? Any);
    }

    private async Task<List<Line>> PageAsync(AccessScope scope, Query q, string? status, string order, int size, int page, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await CampaignScope.BeginWithoutJitAsync(conn, ct);
        return (await conn.QueryAsync<Line>(new CommandDefinition("""
            WITH sc AS MATERIALIZED (
                SELECT * FROM ekis.scope_for_period(@role, @unit, (SELECT as_of FROM ekis.campaign WHERE id = @campaignId)))
            SELECT r.id AS ReportId, u.id AS OrgUnitId, u.ekis_code AS EkisCode, coalesce(u.short_name, u.name) AS Name,
                   coalesce(m.short_name, m.name) AS MunicipalityName, r.version, r.status, r.submitted_at AS SentAt, r.updated_at AS UpdatedAt,
                   count(*) OVER () AS Total
            FROM ekis.report_newest r
            JOIN sc ON sc.id = r.org_unit_id
            JOIN ekis.org_unit u ON u.id = r.org_unit_id
            LEFT JOIN ekis.unit_municipality um ON um.id = u.id
            LEFT JOIN ekis.org_unit m ON m.id = coalesce(sc.municipality_id, um.municipality_id)
            WHERE r.campaign_id = @campaignId
              AND (@status::text IS NULL OR r.status = @status)
              AND (@municipalityId::bigint IS NULL OR m.id = @municipalityId)
            ORDER BY
            """ + " " + order + ", r.id LIMIT @size OFFSET @offset",
            new { role = scope.Role, unit = scope.OrgUnitId, campaignId = q.CampaignId, status, municipalityId = q.MunicipalityId, size, offset = (page - 1) * size },
            tx, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Control results of the listed reports (errors and warnings counted): run for one page at a time,
    /// each by the template engine over the stored values (a few milliseconds per report).
    /// </summary>
    public async Task<IReadOnlyDictionary<long, Badge>> BadgesAsync(AccessScope scope, IEnumerable<long> reportIds, CancellationToken ct = default)
    {
        var badges = new Dictionary<long, Badge>();
        foreach (var id in reportIds.Distinct())
        {
            var result = await check.CheckAsync(scope, id, ct);
            if (result is not null) badges[id] = new Badge(result.Errors.Count, result.Warnings.Count);
        }
        return badges;
    }

    private sealed record Line(long ReportId, long OrgUnitId, string EkisCode, string Name, string? MunicipalityName, int Version, string Status,
        DateTime? SentAt, DateTime UpdatedAt, long Total);
}
