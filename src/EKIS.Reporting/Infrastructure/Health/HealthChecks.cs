using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure.Database;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace EKIS.Reporting.Infrastructure.Health;

public sealed class DatabaseHealthCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT 1", conn);
            await cmd.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer: " + ex.Message);
        }
    }
}

public sealed class MigrationsHealthCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var pending = await Migrator.PendingAsync(conn, ct);
            return pending.Count == 0
                ? HealthCheckResult.Healthy($"{Migrator.ScriptNames().Count} migration(s) applied.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Cannot read the migration journal: " + ex.Message);
        }
    }
}

/// <summary>
/// The job system as the application depends on it: the storage answers, and no job server has gone
/// silent. A server whose heartbeat is older than <see cref="JobsOptions.StaleAfter"/> has lost its
/// database (or died): jobs it holds do not progress, and it used to be counted as «registered» while
/// readiness said Healthy (issue 10, point 12). The job server of this process, when it runs one, must
/// be registered and alive. Hangfire drops a dead server's registration after its server timeout
/// (5 minutes), after which only the live servers are reported.
/// </summary>
public sealed class JobStorageHealthCheck(JobStorage storage, JobsOptions jobs, TimeProvider clock, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        IList<Hangfire.Storage.Monitoring.ServerDto> servers;
        try
        {
            servers = storage.GetMonitoringApi().Servers();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Job storage does not answer: " + ex.Message));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var silent = servers
            .Select(s => (s.Name, Silence: s.Heartbeat is { } h ? now - DateTime.SpecifyKind(h, DateTimeKind.Utc) : TimeSpan.MaxValue))
            .Where(s => s.Silence > jobs.StaleAfter)
            .ToList();
        var data = new Dictionary<string, object> { ["servers"] = servers.Count, ["silent"] = silent.Count };
        var own = services.GetService<JobServerIdentity>();
        if (own is not null && !servers.Any(s => own.Owns(s.Name)))
            return Task.FromResult(HealthCheckResult.Unhealthy($"The job server of this process ({own.ServerName}) is not registered in the job storage.", data: data));
        if (silent.Count > 0)
        {
            var names = string.Join(", ", silent.Select(s => s.Silence == TimeSpan.MaxValue
                ? $"{s.Name} (never)" : $"{s.Name} ({(int)s.Silence.TotalSeconds} s ago)"));
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"Job server(s) silent for longer than {(int)jobs.StaleAfter.TotalSeconds} s — lost their database or stopped: {names}.", data: data));
        }
        return Task.FromResult(HealthCheckResult.Healthy($"Job storage answers; {servers.Count} server(s) registered, all alive.", data));
    }
}
