using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Features.Maintenance;

/// <summary>
/// Refreshes the planner's statistics of the application schema. Report-value tables change in
/// bulk during a campaign; fresh statistics keep the consolidation queries on good plans.
/// </summary>
public sealed class RefreshStatistics(NpgsqlDataSource db, ILogger<RefreshStatistics> logger)
{
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var tables = (await conn.QueryAsync<string>(new CommandDefinition(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname = 'ekis' ORDER BY 1",
            cancellationToken: ct))).ToList();
        foreach (var table in tables)
        {
            // The names come from pg_tables and are quoted by the server: safe to splice.
            await conn.ExecuteAsync(new CommandDefinition("ANALYZE " + table, cancellationToken: ct, commandTimeout: 600));
        }
        logger.LogInformation("Refreshed planner statistics of {Count} table(s)", tables.Count);
        return tables.Count;
    }
}
