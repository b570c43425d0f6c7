using EKIS.Reporting.Jobs.Mail;
using EKIS.Reporting.Jobs.Maintenance;
using EKIS.Reporting.Infrastructure.Time;
using Hangfire;

namespace EKIS.Reporting.Jobs.Hosting;

/// <summary>
/// The one place where recurring jobs are declared. Schedules are cron expressions in the region's
/// time zone (<see cref="RegionOptions"/>, <c>Region:TimeZone</c>, default Europe/Moscow) — the zone
/// "today" is read in for deadlines — whatever the server's own zone.
/// </summary>
public static class RecurringJobs
{
    public static IReadOnlyList<string> Register(IRecurringJobManager manager, RegionOptions region)
    {
        var options = new RecurringJobOptions { TimeZone = region.Zone };
        manager.AddOrUpdate<RefreshStatisticsJob>("maintenance:refresh-statistics", "default", j => j.RunAsync(CancellationToken.None), "30 3 * * *", options);
        manager.AddOrUpdate<DeliverMailJob>("mail:deliver", "default", j => j.RunAsync(CancellationToken.None), Cron.Minutely(), options);
        return ["maintenance:refresh-statistics", "mail:deliver"];
    }
}

/// <summary>Registers the recurring jobs when a job server starts (AddOrUpdate is idempotent).</summary>
internal sealed class RecurringJobsRegistrar(IRecurringJobManager manager, RegionOptions region, ILogger<RecurringJobsRegistrar> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var ids = RecurringJobs.Register(manager, region);
        logger.LogInformation("Registered {Count} recurring job(s) in {TimeZone}: {Jobs}", ids.Count, region.TimeZone, ids);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
