using EKIS.Reporting.Jobs.Mail;
using EKIS.Reporting.Jobs.Maintenance;
using Hangfire;

namespace EKIS.Reporting.Jobs.Hosting;

/// <summary>
/// The one place where recurring jobs are declared. Schedules are cron expressions in Moscow time,
/// the time zone the department works in, whatever the server's own zone.
/// </summary>
public static class RecurringJobs
{
    public const string TimeZoneId = "Europe/Moscow";

    public static TimeZoneInfo MoscowTime => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    public static IReadOnlyList<string> Register(IRecurringJobManager manager)
    {
        var options = new RecurringJobOptions { TimeZone = MoscowTime };
        manager.AddOrUpdate<RefreshStatisticsJob>("maintenance:refresh-statistics", "default", j => j.RunAsync(CancellationToken.None), "30 3 * * *", options);
        manager.AddOrUpdate<DeliverMailJob>("mail:deliver", "default", j => j.RunAsync(CancellationToken.None), Cron.Minutely(), options);
        return ["maintenance:refresh-statistics", "mail:deliver"];
    }
}

/// <summary>Registers the recurring jobs when a job server starts (AddOrUpdate is idempotent).</summary>
internal sealed class RecurringJobsRegistrar(IRecurringJobManager manager, ILogger<RecurringJobsRegistrar> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var ids = RecurringJobs.Register(manager);
        logger.LogInformation("Registered {Count} recurring job(s) in {TimeZone}: {Jobs}", ids.Count, RecurringJobs.TimeZoneId, ids);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
