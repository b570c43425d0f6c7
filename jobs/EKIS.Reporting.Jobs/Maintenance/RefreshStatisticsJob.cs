using EKIS.Reporting.Features.Maintenance;
using Hangfire;

namespace EKIS.Reporting.Jobs.Maintenance;

/// <summary>Thin adapter over <see cref="RefreshStatistics"/>, run nightly.</summary>
public sealed class RefreshStatisticsJob(RefreshStatistics slice)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 2)]
    public Task RunAsync(CancellationToken ct) => slice.RunAsync(ct);
}
