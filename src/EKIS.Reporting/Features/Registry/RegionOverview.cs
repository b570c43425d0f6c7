using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>The municipalities within a role's scope with the number of respondents in each (the start page).</summary>
public sealed class RegionOverview(NpgsqlDataSource db)
{
    public sealed record Municipality(long Id, string EkisCode, string Name, int Organisations, int Branches);

    public sealed record Result(string? RegionName, IReadOnlyList<Municipality> Municipalities)
    {
        public int TotalRespondents => Municipalities.Sum(m => m.Organisations + m.Branches);
    }

    public async Task<Result> GetAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var region = await conn.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            "SELECT name FROM ekis.org_unit WHERE level = 'region' ORDER BY id LIMIT 1", cancellationToken: ct));
        var rows = await conn.QueryAsync<Municipality>(new CommandDefinition("""
            SELECT m.id, m.ekis_code AS EkisCode, m.name,
                   count(DISTINCT o.id)::int AS Organisations,
                   count(DISTINCT b.id)::int AS Branches
            FROM ekis.org_unit m
            LEFT JOIN ekis.org_unit o ON o.parent_id = m.id AND o.level = 'organisation' AND o.status <> 'closed'
            LEFT JOIN ekis.org_unit b ON b.parent_id = o.id AND b.level = 'branch' AND b.status <> 'closed'
            WHERE m.level = 'municipality' AND m.id IN (SELECT id FROM ekis.units_in_scope(@role, @unit))
            GROUP BY m.id, m.ekis_code, m.name
            ORDER BY m.name
            """, new { role = scope.Role, unit = scope.OrgUnitId }, cancellationToken: ct));
        return new Result(region, rows.ToList());
    }
}
