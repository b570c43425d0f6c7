using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>
/// Campaigns with their completeness counts, counted over the respondents the role covers by the tree
/// as it was on the campaign's reference date (or its due date), so moving a school does not move its
/// past reports to another municipality. Regional roles see every campaign; other roles only those
/// with a respondent they cover.
/// </summary>
public sealed class CampaignList(NpgsqlDataSource db)
{
    public sealed record Row(long Id, string Form, string TemplateCode, string TemplateVersion, int Year, string Period, DateOnly DueDate,
        string Status, int Expected, int Started, int Submitted, int Returned, int AcceptedByMunicipality, int AcceptedByRegion)
    {
        public DateOnly? ReferenceDate { get; init; }
        public DateOnly? ReviewDate { get; init; }
        public DateTime? OpenedAt { get; init; }
        public string StatusTitle => CampaignStatus.Title(Status);
        public int Accepted => AcceptedByMunicipality + AcceptedByRegion;
    }

    public sealed record Query(string Sort = "due", bool Descending = true, int Page = 1, int PageSize = 25);

    public sealed record Page(IReadOnlyList<Row> Items, int Total, int PageNumber, int PageSize)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    /// <summary>The sort keys the list accepts (anything else falls back to the due date).</summary>
    public static readonly IReadOnlyList<string> SortKeys = ["due", "form", "period", "status", "expected", "submitted", "returned", "accepted"];

    public async Task<IReadOnlyList<Row>> ListAsync(AccessScope scope, CancellationToken ct = default) =>
        await QueryAsync(scope, null, ct);

    /// <summary>One campaign the role may see, or null (not found).</summary>
    public async Task<Row?> GetAsync(AccessScope scope, long campaignId, CancellationToken ct = default) =>
        (await QueryAsync(scope, campaignId, ct)).SingleOrDefault();

    /// <summary>
    /// Sorted and paged in memory: a region holds tens of campaigns a year, and the counts have to be
    /// computed for every one of them anyway.
    /// </summary>
    public async Task<Page> PageAsync(AccessScope scope, Query q, CancellationToken ct = default)
    {
        var all = await QueryAsync(scope, null, ct);
        Func<Row, IComparable> key = q.Sort switch
        {
            "form" => r => r.TemplateCode + " " + r.TemplateVersion,
            "period" => r => r.Year * 10_000L + (long.TryParse(r.Period, out var p) ? p : 0),
            "status" => r => r.Status,
            "expected" => r => r.Expected,
            "submitted" => r => r.Submitted,
            "returned" => r => r.Returned,
            "accepted" => r => r.Accepted,
            _ => r => r.DueDate,
        };
        var sorted = (q.Descending ? all.OrderByDescending(key) : all.OrderBy(key)).ThenByDescending(r => r.Id).ToList();
        var size = Math.Clamp(q.PageSize, 5, 200);
        var pages = Math.Max(1, (sorted.Count + size - 1) / size);
        var page = Math.Clamp(q.Page, 1, pages);
        return new Page(sorted.Skip((page - 1) * size).Take(size).ToList(), sorted.Count, page, size);
    }

    private async Task<IReadOnlyList<Row>> QueryAsync(AccessScope scope, long? campaignId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // Counts use the latest version of each expected respondent's report.
        await using var tx = await CampaignScope.BeginWithoutJitAsync(conn, ct);
        var rows = await conn.QueryAsync<Line>(new CommandDefinition("""
            WITH dates AS (
                SELECT DISTINCT c.as_of AS on_date FROM ekis.campaign c
                WHERE (@campaignId::bigint IS NULL OR c.id = @campaignId)),
            -- The scope is computed once per distinct campaign date, not per respondent.
            sc AS MATERIALIZED (
                SELECT d.on_date, s.id FROM dates d CROSS JOIN LATERAL ekis.scope_for_period(@role, @unit, d.on_date) s),
            seen AS (
                SELECT cr.campaign_id, cr.org_unit_id
                FROM ekis.campaign c
                JOIN ekis.campaign_respondent cr ON cr.campaign_id = c.id AND cr.dropped_at IS NULL
                JOIN sc ON sc.on_date = c.as_of AND sc.id = cr.org_unit_id
                WHERE (@campaignId::bigint IS NULL OR c.id = @campaignId)),
            latest AS (
                SELECT r.campaign_id, r.org_unit_id, r.status
                FROM ekis.report_newest r JOIN seen s ON s.campaign_id = r.campaign_id AND s.org_unit_id = r.org_unit_id)
            SELECT c.id, t.title AS Form, t.code AS TemplateCode, t.version AS TemplateVersion, c.year, c.period, c.due_date AS DueDate, c.status,
                   c.reference_date AS ReferenceDate, c.review_date AS ReviewDate, c.opened_at AS OpenedAt,
                   count(s.org_unit_id)::int AS Expected,
                   count(l.status)::int AS Started,
                   count(*) FILTER (WHERE l.status = 'submitted')::int AS Submitted,
                   count(*) FILTER (WHERE l.status = ANY(@returned))::int AS Returned,
                   count(*) FILTER (WHERE l.status = 'accepted_by_municipality')::int AS AcceptedByMunicipality,
                   count(*) FILTER (WHERE l.status = 'accepted_by_region')::int AS AcceptedByRegion
            FROM ekis.campaign c
            JOIN ekis.template_version t ON t.id = c.template_version_id
            LEFT JOIN seen s ON s.campaign_id = c.id
            LEFT JOIN latest l ON l.campaign_id = c.id AND l.org_unit_id = s.org_unit_id
            WHERE (@campaignId::bigint IS NULL OR c.id = @campaignId)
            GROUP BY c.id, t.id
            HAVING @regional OR count(s.org_unit_id) > 0
            ORDER BY c.due_date DESC, c.id DESC
            """, new { role = scope.Role, unit = scope.OrgUnitId, regional = scope.IsRegional, campaignId, returned = Lifecycle.ReportStatus.Returned.ToArray() }, tx, cancellationToken: ct));
        return rows.Select(l => new Row(l.Id, l.Form, l.TemplateCode, l.TemplateVersion, l.Year, l.Period, l.DueDate, l.Status,
            l.Expected, l.Started, l.Submitted, l.Returned, l.AcceptedByMunicipality, l.AcceptedByRegion)
        {
            ReferenceDate = l.ReferenceDate,
            ReviewDate = l.ReviewDate,
            OpenedAt = l.OpenedAt,
        }).ToList();
    }

    private sealed record Line(long Id, string Form, string TemplateCode, string TemplateVersion, int Year, string Period, DateOnly DueDate, string Status,
        DateOnly? ReferenceDate, DateOnly? ReviewDate, DateTime? OpenedAt,
        int Expected, int Started, int Submitted, int Returned, int AcceptedByMunicipality, int AcceptedByRegion);
}

public static class CampaignStatus
{
    public const string Draft = "draft";
    public const string Open = "open";
    public const string Closed = "closed";
    public const string Archived = "archived";

    public static string Title(string status) => status switch
    {
        Draft => "черновик",
        Open => "открыта",
        Closed => "закрыта",
        Archived => "в архиве",
        _ => status,
    };
}
