using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using Npgsql;

namespace EKIS.Reporting.Features.Review;

/// <summary>
/// What a reviewer sees at the top of a report: respondent, form, period, version, status, deadlines,
/// the other versions of the same respondent's report, and the transition history with people's names.
/// Only through the role's scope (the same rule as every report slice): otherwise null (not found).
/// </summary>
public sealed class ReviewReport(NpgsqlDataSource db)
{
    public sealed record Details(ReportHead Head, string EkisCode, string RespondentName, string? MunicipalityName,
        string FormCode, string FormVersion, string FormTitle, DateOnly? ReferenceDate, DateOnly? ReviewDate, DateTime? SentAt,
        IReadOnlyList<Version> Versions, IReadOnlyList<Transition> History)
    {
        /// <summary>The respondent's explanations of control warnings by control id (empty where the data-entry schema has none).</summary>
        public IReadOnlyDictionary<string, Explanation> Explanations { get; init; } = new Dictionary<string, Explanation>();

        public string StatusTitle => ReportStatus.Title(Head.Status);
        public bool IsNewest => Versions.All(v => v.Number <= Head.Version);
    }

    public sealed record Version(long ReportId, int Number, string Status)
    {
        public string StatusTitle => ReportStatus.Title(Status);
    }

    public sealed record Explanation(string ControlId, string Text, DateTime At, string Author);

    public sealed record Transition(string? FromStatus, string ToStatus, string? Comment, DateTime At, string Actor)
    {
        public string FromTitle => FromStatus is null ? "—" : ReportStatus.Title(FromStatus);
        public string ToTitle => ReportStatus.Title(ToStatus);
    }

    public async Task<Details?> GetAsync(AccessScope scope, long reportId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var head = await ReportAccess.GetAsync(conn, null, scope, reportId, forUpdate: false, ct);
        if (head is null) return null;
        var info = await conn.QuerySingleAsync<Info>(new CommandDefinition("""
            SELECT u.ekis_code AS EkisCode, coalesce(u.short_name, u.name) AS RespondentName, coalesce(m.short_name, m.name) AS MunicipalityName,
                   t.code AS FormCode, t.version AS FormVersion, t.title AS FormTitle,
                   c.reference_date AS ReferenceDate, c.review_date AS ReviewDate, r.submitted_at AS SentAt
            FROM ekis.report r
            JOIN ekis.campaign c ON c.id = r.campaign_id
            JOIN ekis.template_version t ON t.id = c.template_version_id
            JOIN ekis.org_unit u ON u.id = r.org_unit_id
            LEFT JOIN ekis.org_unit m ON m.id = @municipalityId
            WHERE r.id = @reportId
            """, new { reportId, municipalityId = head.MunicipalityId }, cancellationToken: ct));
        var versions = (await conn.QueryAsync<Version>(new CommandDefinition("""
            SELECT id AS ReportId, version AS Number, status FROM ekis.report
            WHERE campaign_id = @campaignId AND org_unit_id = @orgUnitId ORDER BY version
            """, new { campaignId = head.CampaignId, orgUnitId = head.OrgUnitId }, cancellationToken: ct))).ToList();
        var history = (await conn.QueryAsync<Transition>(new CommandDefinition("""
            SELECT t.from_status AS FromStatus, t.to_status AS ToStatus, t.comment, t.at, ekis.actor_name(t.actor) AS Actor
            FROM ekis.report_transition t
            WHERE t.report_id = @reportId ORDER BY t.at, t.id
            """, new { reportId }, cancellationToken: ct))).ToList();
        var explanations = await ExplanationsAsync(conn, reportId, ct);
        return new Details(head, info.EkisCode, info.RespondentName, info.MunicipalityName, info.FormCode, info.FormVersion, info.FormTitle,
            info.ReferenceDate, info.ReviewDate,
            info.SentAt, versions, history) { Explanations = explanations };
    }

    /// <summary>
    /// Warning explanations are written by the data-entry slices (ekis.report_explanation); read only when
    /// that table exists, so the review page works on a schema without data entry too.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, Explanation>> ExplanationsAsync(NpgsqlConnection conn, long reportId, CancellationToken ct)
    {
        var rows = await conn.QueryAsync<Explanation>(new CommandDefinition("""
            SELECT e.control_id AS ControlId, e.explanation AS Text, e.updated_at AS At, ekis.actor_name(e.updated_by) AS Author
            FROM ekis.report_explanation e
            WHERE e.report_id = @reportId
            """, new { reportId }, cancellationToken: ct));
        return rows.ToDictionary(e => e.ControlId);
    }

    private sealed record Info(string EkisCode, string RespondentName, string? MunicipalityName, string FormCode, string FormVersion, string FormTitle,
        DateOnly? ReferenceDate, DateOnly? ReviewDate, DateTime? SentAt);
}
