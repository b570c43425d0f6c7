using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure.Actors;
using Hangfire;

namespace EKIS.Reporting.Jobs.Hosting;

public static class JobServerRegistration
{
    /// <summary>
    /// A Hangfire server in this process: workers within the storage's connection pool, the job id in
    /// every log line, and the recurring jobs registered at start.
    /// </summary>
    public static IHostApplicationBuilder AddEkisJobServer(this IHostApplicationBuilder builder, JobsOptions jobs, string role)
    {
        var identity = new JobServerIdentity($"{Environment.MachineName}:{role}:{Environment.ProcessId}");
        builder.Services.AddSingleton(identity);
        builder.Services.AddHangfireServer((services, options) =>
        {
            options.ServerName = identity.ServerName;
            options.HeartbeatInterval = TimeSpan.FromSeconds(Math.Max(1, jobs.HeartbeatSeconds));
            options.WorkerCount = jobs.EffectiveWorkerCount();
            options.Queues = jobs.Queues;
            options.ShutdownTimeout = TimeSpan.FromSeconds(30);
        });
        GlobalJobFilters.Filters.Add(new JobLogContextFilter());
        builder.Services.AddHostedService<RecurringJobsRegistrar>();
        return builder;
    }

    /// <summary>Jobs act as the named system actor "jobs".</summary>
    public static IHostApplicationBuilder AddEkisJobActor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ICurrentActor>(new FixedActor(Actor.Jobs));
        return builder;
    }
}
