using Hangfire.Common;
using Hangfire.Server;
using Serilog.Context;

namespace EKIS.Reporting.Jobs.Hosting;

/// <summary>Every log line written while a job runs carries its JobId (and the job's type and method).</summary>
internal sealed class JobLogContextFilter : JobFilterAttribute, IServerFilter
{
    private const string Key = "ekis.log-context";

    public void OnPerforming(PerformingContext context)
    {
        var scope = new CompositeDisposable(
            LogContext.PushProperty("JobId", context.BackgroundJob.Id),
            LogContext.PushProperty("Job", $"{context.BackgroundJob.Job.Type.Name}.{context.BackgroundJob.Job.Method.Name}"));
        context.Items[Key] = scope;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(Key, out var scope) && scope is IDisposable d)
            d.Dispose();
    }

    private sealed class CompositeDisposable(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            for (var i = items.Length - 1; i >= 0; i--) items[i].Dispose();
        }
    }
}
