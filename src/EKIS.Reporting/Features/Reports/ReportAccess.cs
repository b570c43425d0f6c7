using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// The one way a report slice reaches a report: through the role's scope on the campaign's date
/// (<c>ekis.covers_on</c>), plus the fill / submit rights of school staff.
/// </summary>
internal static class ReportAccess
{
    /// <summary>
    /// A report belongs to the tree as it was on its campaign's reference date (the due date when the
    /// campaign has none): a school moved later stays with the municipality that reviewed it.
    /// </summary>
    public const string CoversReport = "ekis.covers_on(@role, @unit, r.org_unit_id, c.as_of)";

    /// <summary>
    /// <see cref="CoversReport"/> for a director or an employee, spelled out: their scope on a date is the
    /// unit itself and, when the unit was an organisation, its branches of that date — so only the
    /// report's unit and its parent on that date matter, and the walk up the tree (a function call
    /// planned anew on every execution, the dearest part of the head) is not needed. Same rules, same
    /// history rows (<c>ekis.org_unit_state_on</c>), a plan prepared once; ReportAccessEquivalenceTests
    /// compare the two over a tree with moves, closures and branches.
    /// </summary>
    public static string CoversForSchool(string target, string unit, string date) => $"""
        CASE WHEN EXISTS (SELECT 1 FROM ekis.org_unit_state_on({target}, {date}) sx WHERE sx.existed)
        THEN EXISTS (SELECT 1 FROM ekis.org_unit_state_on({target}, {date}) s0
                WHERE s0.existed
                  AND ({target} = {unit}
                       OR (s0.level = 'branch' AND s0.parent_id = {unit}
                           AND EXISTS (SELECT 1 FROM ekis.org_unit_state_on(s0.parent_id, {date}) s1 WHERE s1.existed))))
        /* a respondent that did not exist on the date: today's tree, as covers_on (0013) */
        ELSE EXISTS (SELECT 1 FROM ekis.org_unit b WHERE b.id = {target} AND (b.id = {unit} OR (b.level = 'branch' AND b.parent_id = {unit})))
        END
        """;

    private static readonly string CoversReportForSchool = CoversForSchool("r.org_unit_id", "@unit", "c.as_of");

    /// <summary>The report if the role's scope covers its respondent, else null (not found — its existence is not revealed).</summary>
    public static Task<ReportHead?> GetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, AccessScope scope, long reportId, bool forUpdate, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<ReportHead?>(new CommandDefinition(HeadSql(scope, forUpdate), new { role = scope.Role, unit = scope.OrgUnitId, reportId }, tx, cancellationToken: ct));

    /// <summary>Without a scope only for reads the system makes on its own account (the previous period's report of the same respondent).</summary>
    public static Task<ReportHead?> GetUnscopedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long reportId, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<ReportHead?>(new CommandDefinition(HeadSql(null, forUpdate: false), new { reportId }, tx, cancellationToken: ct));

    /// <summary>
    /// The head query (parameter @reportId, and @role / @unit with a scope), to run alone or as the first
    /// statement of a batch; the template's load time comes along so that the template cache needs no
    /// round trip of its own.
    /// </summary>
    public static string HeadSql(AccessScope? scope, bool forUpdate) =>
        HeadSqls[(scope is null ? 0 : scope.Role is Roles.Director or Roles.Employee ? 1 : 2) * 2 + (forUpdate ? 1 : 0)];

    // Built once: unscoped, school roles, other roles; each read-only and locking.
    private static readonly string[] HeadSqls =
    [
        BuildHeadSql(null, false), BuildHeadSql(null, true),
        BuildHeadSql(CoversReportForSchool, false), BuildHeadSql(CoversReportForSchool, true),
        BuildHeadSql(CoversReport, false), BuildHeadSql(CoversReport, true),
    ];

    private static string BuildHeadSql(string? covers, bool forUpdate) => $"""
        SELECT r.id, r.campaign_id AS CampaignId, r.org_unit_id AS OrgUnitId,
               um.municipality_id AS MunicipalityId,
               r.version, r.status, r.row_version AS RowVersion,
               c.template_version_id AS TemplateVersionId, c.year, c.period, c.due_date AS DueDate, c.status AS CampaignStatus,
               r.extension_until AS ExtensionUntil, r.resubmit_until AS ResubmitUntil, r.title::text AS Title,
               t.loaded_at AS TemplateLoadedAt,
               u.okpo AS RegistryOkpo, u.name AS RegistryName, u.director AS RegistryDirector,
               EXISTS (SELECT 1 FROM ekis.report_newest n WHERE n.id = r.id) AS IsNewest
        FROM ekis.report r
        JOIN ekis.campaign c ON c.id = r.campaign_id
        JOIN ekis.template_version t ON t.id = c.template_version_id
        JOIN ekis.org_unit u ON u.id = r.org_unit_id
        LEFT JOIN ekis.unit_municipality um ON um.id = u.id
        WHERE r.id = @reportId
        {(covers is null ? "" : "AND " + covers)}
        {(forUpdate ? "FOR UPDATE OF r" : "")}
        """;

    /// <summary>Director, or an employee holding <paramref name="right"/> (fill implies nothing about submit).</summary>
    public static async Task<bool> HasRightAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, AccessScope scope, string right, CancellationToken ct)
    {
        if (scope.Role == Roles.Director) return true;
        if (scope.Role != Roles.Employee) return false;
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM ekis.assignment_right a WHERE a.assignment_id = @id AND a."right" = ANY(@rights))
            """, new { id = scope.AssignmentId, rights = right == Rights.Fill ? new[] { Rights.Fill, Rights.Submit } : [right] }, tx, cancellationToken: ct));
    }
}
