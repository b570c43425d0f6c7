using EKIS.Reporting.Features.Diagnostics;
using Hangfire.Server;

namespace EKIS.Reporting.Jobs.Diagnostics;

/// <summary>Thin adapter: records which server and process ran the probe (see <see cref="JobProbe"/>).</summary>
public sealed class ProbeJob(JobProbe probe, ILogger<ProbeJob> logger)
{
    public async Task RunAsync(Guid token, PerformContext? context, CancellationToken ct)
    {
        var server = context?.ServerId ?? Environment.MachineName;
        logger.LogInformation("Probe {Token} runs on {Server}", token, server);
        await probe.RecordAsync(token, server, Environment.ProcessId, context?.BackgroundJob.Id, ct);
    }
}
