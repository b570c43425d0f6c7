using Dapper;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>The region's municipalities with the number of respondents in each (the start page).</summary>
public sealed class RegionOverview(NpgsqlDataSource db)
{
    public sealed record Municipality(long Id, string EkisCode, string Name, int Organisations, int Branches);

    public sealed record Result(string? RegionName, IReadOnlyList<Municipality> Municipalities)
    {
        public int TotalRespondents => Municipalities.Sum(m => m.Organisations + m.Branches);
    }

    public async Task<Result> GetAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var region = await conn.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            "SELECT name FROM ekis.org_unit WHERE level = 'region' ORDER BY id LIMIT 1", cancellationToken: ct));
        var rows = await conn.QueryAsync<Municipality>(new CommandDefinition("""
            SELECT m.id, m.ekis_code AS EkisCode, m.name,
                   count(DISTINCT o.id)::int AS Organisations,
                   count(b.id)::int AS Branches
            FROM ekis.org_unit m
            LEFT JOIN ekis.org_unit o ON o.parent_id = m.id AND o.level = 'organisation'
            LEFT JOIN ekis.org_unit b ON b.parent_id = o.id AND b.level = 'branch'
            WHERE m.level = 'municipality'
            GROUP BY m.id, m.ekis_code, m.name
            ORDER BY m.name
            """, cancellationToken: ct));
        return new Result(region, rows.ToList());
    }
}
