using Dapper;
using Npgsql;

namespace EKIS.Reporting.Features.Diagnostics;

/// <summary>
/// Records that a probe job ran, and where. Lets an operator (and the test suite) prove that work
/// enqueued by one host is picked up by a worker, possibly on another machine.
/// </summary>
public sealed class JobProbe(NpgsqlDataSource db)
{
    public sealed record Execution(Guid Token, DateTime? ExecutedAt, string? ServerName, int? ProcessId, string? JobId);

    public async Task RequestAsync(Guid token, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ekis.job_probe (token) VALUES (@token) ON CONFLICT DO NOTHING", new { token }, cancellationToken: ct));
    }

    public async Task RecordAsync(Guid token, string serverName, int processId, string? jobId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ekis.job_probe (token, executed_at, server_name, process_id, job_id)
            VALUES (@token, now(), @serverName, @processId, @jobId)
            ON CONFLICT (token) DO UPDATE
               SET executed_at = now(), server_name = @serverName, process_id = @processId, job_id = @jobId
            """, new { token, serverName, processId, jobId }, cancellationToken: ct));
    }

    public async Task<Execution?> FindAsync(Guid token, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Execution>(new CommandDefinition(
            "SELECT token, executed_at AS ExecutedAt, server_name AS ServerName, process_id AS ProcessId, job_id AS JobId FROM ekis.job_probe WHERE token = @token",
            new { token }, cancellationToken: ct));
    }
}
