using EKIS.Reporting.Features.Outbox;
using Hangfire;
using Hangfire.Common;

namespace EKIS.Reporting.Jobs.Outbox;

/// <summary>
/// The retry policy of outbox deliveries, from configuration instead of an attribute's constants:
/// an <see cref="AutomaticRetryAttribute"/> at method scope for <see cref="OutboxDeliveryJob"/>,
/// which replaces the global one for these jobs only (one AutomaticRetry per job wins, the most
/// specific scope). Other jobs keep theirs.
/// </summary>
public sealed class OutboxRetryFilterProvider(OutboxOptions options) : IJobFilterProvider
{
    private readonly JobFilter[] _filters = [new(Retry(options), JobFilterScope.Method, null)];

    public IEnumerable<JobFilter> GetFilters(Job job) =>
        job?.Type == typeof(OutboxDeliveryJob) ? _filters : [];

    public static AutomaticRetryAttribute Retry(OutboxOptions options)
    {
        var retry = new AutomaticRetryAttribute { Attempts = options.RetryAttempts, LogEvents = true };
        // None configured: Hangfire's own growing back-off (seconds to hours).
        if (options.RetryDelaysSeconds.Length > 0) retry.DelaysInSeconds = options.RetryDelaysSeconds;
        return retry;
    }
}
