using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Jobs.Outbox;
using Hangfire;
using Hangfire.Common;

namespace EKIS.Reporting.Jobs.Hosting;

public static class JobServerRegistration
{
    /// <summary>
    /// A Hangfire server in this process: workers within the storage's connection pool, the job id in
    /// every log line, the recurring jobs registered at start, and the outbox pump that turns domain
    /// events into delivery jobs (with their own retry policy).
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
            options.SchedulePollingInterval = TimeSpan.FromSeconds(Math.Max(1, jobs.SchedulePollingSeconds));
            options.FilterProvider = new JobFilterProviderCollection(
                JobFilterProviders.Providers, new OutboxRetryFilterProvider(services.GetRequiredService<OutboxOptions>()));
        });
        GlobalJobFilters.Filters.Add(new JobLogContextFilter());
        builder.Services.AddHostedService<RecurringJobsRegistrar>();
        builder.Services.AddHostedService<OutboxPump>();
        return builder;
    }

    /// <summary>Jobs act as the named system actor "jobs".</summary>
    public static IHostApplicationBuilder AddEkisJobActor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ICurrentActor>(new FixedActor(Actor.Jobs));
        return builder;
    }
}
