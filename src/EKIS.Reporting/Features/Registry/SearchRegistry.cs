using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// The registry list (issue 4, item 7): respondents (organisations and branches) in the role's scope,
/// searched by name, ЕКИС code or ИНН and filtered by municipality, kind, status and group; paged.
/// </summary>
public sealed class SearchRegistry(NpgsqlDataSource db)
{
    public sealed record Query(string? Search = null, long? MunicipalityId = null, string? Kind = null, string? Status = null,
        long? GroupId = null, int Page = 1, int PageSize = 50);

    public sealed record Row(long Id, string Level, string EkisCode, string Name, string? ShortName, string? Kind, string Status,
        string? Inn, string? MunicipalityName, string? ParentName);

    public sealed record Result(IReadOnlyList<Row> Items, int Total, int PageNumber, int PageSize)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    public sealed record Option(long Id, string Name);

    // The vocabularies of the import and the card (RegistryColumns), so that every page says the same words.
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Kinds = [.. RegistryColumns.Kinds];

    public static readonly IReadOnlyList<KeyValuePair<string, string>> Statuses = [.. RegistryColumns.Statuses];

    public static string KindTitle(string? kind) => Kinds.FirstOrDefault(k => k.Key == kind).Value ?? kind ?? "";
    public static string StatusTitle(string status) => Statuses.FirstOrDefault(k => k.Key == status).Value ?? status;

    // Scope without walking the tree where the role's scope is whole municipalities: an analyst sees
    // the municipalities of their region (all of them when it is the only region: no filter at all),
    // an operator their municipality — the same units as ekis.units_in_scope gives for these roles
    // (Roles binds an analyst to a region and an operator to a municipality). An administrator is
    // not filtered; a director or an employee (a school and its branches) goes through
    // units_in_scope, which is a few rows for them. A respondent's municipality is an organisation's
    // parent or a branch's grandparent. Text search uses the trigram indexes of migration 0009.
    private const string Municipalities = """
        WITH munis AS MATERIALIZED (
            SELECT id FROM ekis.org_unit
            WHERE level = 'municipality'
              AND (@municipality::bigint IS NULL OR id = @municipality)
              AND (@role NOT IN ('regional_analyst', 'municipal_operator') OR id = @unit OR parent_id = @unit)
        )

        """;

    private const string Where = """
        WHERE u.level IN ('organisation', 'branch')
          AND ((@municipality::bigint IS NULL
                AND (@role NOT IN ('regional_analyst', 'municipal_operator')
                     OR NOT EXISTS (SELECT 1 FROM ekis.org_unit r WHERE r.level = 'region' AND r.id IS DISTINCT FROM @unit)))
               OR u.parent_id IN (SELECT id FROM munis)
               OR (u.level = 'branch' AND u.parent_id IN (
                       SELECT o.id FROM ekis.org_unit o WHERE o.level = 'organisation' AND o.parent_id IN (SELECT id FROM munis))))
          AND (@role IN ('admin', 'regional_analyst', 'municipal_operator') OR u.id IN (SELECT id FROM ekis.units_in_scope(@role, @unit)))
          AND (@q::text IS NULL OR lower(u.name) LIKE @q OR lower(coalesce(u.short_name, '')) LIKE @q
               OR lower(u.ekis_code) LIKE @q OR u.inn LIKE @q)
          AND (@kind::text IS NULL OR u.kind = @kind)
          AND (@status::text IS NULL OR u.status = @status)
          AND (@group::bigint IS NULL OR EXISTS (SELECT 1 FROM ekis.org_group_member gm WHERE gm.group_id = @group AND gm.org_unit_id = u.id))

        """;

    // The page is cut in ЕКИС-code order (the code's unique index gives it without sorting the whole
    // registry), then only its rows are joined to their parent and municipality.
    private const string PageSql = Municipalities + """
        SELECT u.id, u.level, u.ekis_code AS EkisCode, u.name, u.short_name AS ShortName, u.kind, u.status, u.inn,
               coalesce(m.short_name, m.name) AS MunicipalityName,
               CASE WHEN u.level = 'branch' THEN coalesce(p.short_name, p.name) END AS ParentName
        FROM (SELECT u.id, u.ekis_code FROM ekis.org_unit u

        """ + Where + """
              ORDER BY u.ekis_code OFFSET @offset LIMIT @pageSize) h
        JOIN ekis.org_unit u ON u.id = h.id
        JOIN ekis.org_unit p ON p.id = u.parent_id
        JOIN ekis.unit_municipality um ON um.id = u.id
        JOIN ekis.org_unit m ON m.id = um.municipality_id
        ORDER BY u.ekis_code
        """;

    private const string CountSql = Municipalities + "SELECT count(*) FROM ekis.org_unit u\n" + Where;

    public async Task<Result> RunAsync(AccessScope scope, Query query, CancellationToken ct = default)
    {
        var page = Math.Max(1, query.Page);
        var pageSize = Math.Clamp(query.PageSize, 10, 200);
        var q = string.IsNullOrWhiteSpace(query.Search) ? null
            : "%" + query.Search.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var args = new
        {
            role = scope.Role, unit = scope.OrgUnitId, q, municipality = query.MunicipalityId,
            kind = string.IsNullOrEmpty(query.Kind) ? null : query.Kind,
            status = string.IsNullOrEmpty(query.Status) ? null : query.Status,
            group = query.GroupId, offset = (page - 1) * pageSize, pageSize,
        };
        await using var conn = await db.OpenConnectionAsync(ct);
        var total = await conn.ExecuteScalarAsync<int>(new CommandDefinition(CountSql, args, cancellationToken: ct));
        var items = await conn.QueryAsync<Row>(new CommandDefinition(PageSql, args, cancellationToken: ct));
        return new Result(items.ToList(), total, page, pageSize);
    }

    /// <summary>The municipalities in the role's scope, for the filter (the same shortcut as the search: no tree walk for regional roles).</summary>
    public async Task<IReadOnlyList<Option>> MunicipalitiesAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Option>(new CommandDefinition("""
            SELECT u.id, coalesce(u.short_name, u.name) AS Name
            FROM ekis.org_unit u
            WHERE u.level = 'municipality'
              AND (@role = 'admin'
                   OR (@role IN ('regional_analyst', 'municipal_operator') AND (u.id = @unit OR u.parent_id = @unit))
                   OR (@role NOT IN ('admin', 'regional_analyst', 'municipal_operator')
                       AND u.id IN (SELECT id FROM ekis.units_in_scope(@role, @unit))))
            ORDER BY u.name
            """, new { role = scope.Role, unit = scope.OrgUnitId }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>All groups (their names are not scoped data; membership is filtered by scope above).</summary>
    public async Task<IReadOnlyList<Option>> GroupsAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Option>(new CommandDefinition(
            "SELECT id, name FROM ekis.org_group ORDER BY name", cancellationToken: ct));
        return rows.ToList();
    }

    public sealed record Node(long Id, long? ParentId, string Level, string EkisCode, string Name, string? ShortName, string Status);

    /// <summary>Every unit in the role's scope, for the tree view (a few thousand rows at most).</summary>
    public async Task<IReadOnlyList<Node>> TreeAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Node>(new CommandDefinition("""
            SELECT u.id, u.parent_id AS ParentId, u.level, u.ekis_code AS EkisCode, u.name, u.short_name AS ShortName, u.status
            FROM ekis.org_unit u JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            ORDER BY u.ekis_code
            """, new { role = scope.Role, unit = scope.OrgUnitId }, cancellationToken: ct));
        return rows.ToList();
    }
}
