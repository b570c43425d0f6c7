using Dapper;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>Helpers for queries over a campaign's scope (<c>ekis.scope_for_period</c>, migration 0011).</summary>
public static class CampaignScope
{
    /// <summary>
    /// A read transaction without JIT: the planner cannot see how few rows the scope functions return,
    /// estimates a large cost and JIT-compiles queries that run in a few milliseconds, which costs
    /// tens of milliseconds on every call (measured: 70 ms of which 63 ms JIT for the campaign list).
    /// </summary>
    public static async Task<NpgsqlTransaction> BeginWithoutJitAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("SET LOCAL jit = off", transaction: tx, cancellationToken: ct));
        return tx;
    }
}
