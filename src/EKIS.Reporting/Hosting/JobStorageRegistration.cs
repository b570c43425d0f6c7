using Hangfire;
using Hangfire.PostgreSql;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EKIS.Reporting.Hosting;

/// <summary>Settings of the job system (section "Jobs").</summary>
public sealed class JobsOptions
{
    /// <summary>Run a Hangfire server inside the web app (the default for a single machine).</summary>
    public bool RunInWeb { get; set; } = true;

    /// <summary>Worker threads per server; clamped to fit the job storage's connection pool.</summary>
    public int? WorkerCount { get; set; }

    /// <summary>Connections the job storage may open; workers are kept below it.</summary>
    public int MaxPoolSize { get; set; } = 40;

    public string[] Queues { get; set; } = ["critical", "default", "reports"];

    /// <summary>
    /// How often a job server reports that it is alive (Hangfire's heartbeat; Hangfire's default 30 s).
    /// Every host of one installation should use the same value: readiness calls a server whose last
    /// heartbeat is older than <see cref="StaleAfter"/> lost (its database, or its process).
    /// </summary>
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>
    /// How long a job fetched by a worker that died stays invisible before another worker takes it
    /// (Hangfire.PostgreSql's InvisibilityTimeout; default 30 min). A live worker keeps its jobs
    /// leased (sliding, refreshed every fifth of this), so a long job is never taken from it; a
    /// shorter value only lets a dead worker's job move sooner (tests use seconds).
    /// </summary>
    public int InvisibilityTimeoutSeconds { get; set; } = 1800;

    /// <summary>How often a server moves due scheduled jobs (retries, delayed jobs) to their queue (Hangfire's default 15 s).</summary>
    public int SchedulePollingSeconds { get; set; } = 15;

    /// <summary>A server silent for three heartbeats has lost its database or died.</summary>
    public TimeSpan StaleAfter => TimeSpan.FromSeconds(3 * Math.Max(1, HeartbeatSeconds));

    /// <summary>Workers that fit the pool: each busy worker holds one connection, and the server's
    /// own components (heartbeat, schedulers, long-polling listener) need a few more.</summary>
    public int EffectiveWorkerCount()
    {
        var wanted = WorkerCount ?? Math.Min(Environment.ProcessorCount * 5, 20);
        var fit = Math.Max(1, MaxPoolSize - 10);
        return Math.Clamp(wanted, 1, fit);
    }

    public static JobsOptions From(IConfiguration config)
    {
        var o = new JobsOptions();
        config.GetSection("Jobs").Bind(o);
        if (bool.TryParse(config["EKIS_WEB_JOBS"], out var inWeb)) o.RunInWeb = inWeb;
        if (int.TryParse(config["EKIS_JOB_WORKERS"], out var workers)) o.WorkerCount = workers;
        return o;
    }
}

/// <summary>The name of the job server running in this process (registered only where one runs).</summary>
public sealed record JobServerIdentity(string ServerName)
{
    /// <summary>Hangfire names a server <c>{ServerName}:{process}:{guid}</c>.</summary>
    public bool Owns(string serverId) => serverId.StartsWith(ServerName + ":", StringComparison.Ordinal);
}

public static class JobStorageRegistration
{
    public static PostgreSqlStorageOptions StorageOptions(JobsOptions? jobs = null) => new()
    {
        SchemaName = Migrator.HangfireSchema,
        // The schema is installed by the Migrator under the migrations lock.
        PrepareSchemaIfNecessary = false,
        // LISTEN/NOTIFY: a worker picks up a new job at once instead of on the next poll.
        EnableLongPolling = true,
        QueuePollInterval = TimeSpan.FromSeconds(10),
        // A long aggregation or export keeps its job invisible to other workers while it runs,
        // instead of being fetched again after a fixed InvisibilityTimeout; the timeout itself is
        // how soon a dead worker's job goes to another (Jobs:InvisibilityTimeoutSeconds).
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = TimeSpan.FromSeconds(Math.Max(5, (jobs ?? new JobsOptions()).InvisibilityTimeoutSeconds)),
        DistributedLockTimeout = TimeSpan.FromMinutes(1),
    };

    /// <summary>Job storage (the client side: enqueue, schedule, monitor). Servers add processing.</summary>
    public static IHostApplicationBuilder AddEkisJobStorage(this IHostApplicationBuilder builder, PreparedDatabase database, JobsOptions jobs)
    {
        var cs = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            ApplicationName = "ekis-jobs",
            MaxPoolSize = jobs.MaxPoolSize,
        }.ConnectionString;
        builder.Services.AddSingleton(jobs);
        builder.Services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(cs), StorageOptions(jobs)));
        return builder;
    }
}
