using System.Threading.Channels;
using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Infrastructure.Database;
using Hangfire;
using Npgsql;

namespace EKIS.Reporting.Jobs.Outbox;

/// <summary>
/// Moves outbox events into the job queue in every process that runs a job server: it wakes on
/// <c>NOTIFY ekis_outbox</c> (sent at commit by the table's trigger) and, as a fallback, every
/// Outbox:PollSeconds, then dispatches batches (<see cref="OutboxDispatch"/>) until none is left.
/// LISTEN runs on a dedicated, unpooled connection of its own: the application's data source does
/// not reset pooled connections (NoResetOnClose), so a LISTEN there would leak to other users.
/// A lost connection is reopened with back-off; meanwhile the poll keeps events moving.
/// </summary>
public sealed class OutboxPump(IServiceScopeFactory scopes, IBackgroundJobClient jobs, PreparedDatabase database,
    OutboxOptions options, ILogger<OutboxPump> logger) : BackgroundService
{
    public const string Channel = "ekis_outbox";

    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield();
        var listener = ListenAsync(stop);
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stop) >= options.BatchSize && !stop.IsCancellationRequested) { }
                failures = 0;
                await WaitForWorkAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogWarning(ex, "Outbox dispatch failed ({Failures} in a row); trying again after a pause", failures);
                await PauseAsync(failures, stop);
            }
        }
        await listener;
    }

    private async Task<int> DispatchBatchAsync(CancellationToken stop)
    {
        await using var scope = scopes.CreateAsyncScope();
        var dispatch = scope.ServiceProvider.GetRequiredService<OutboxDispatch>();
        return await dispatch.DispatchBatchAsync(
            (subscriber, eventId) => jobs.Enqueue<OutboxDeliveryJob>(j => j.RunAsync(subscriber, eventId, CancellationToken.None)), stop);
    }

    /// <summary>Until a notification arrives or the poll interval passes.</summary>
    private async Task WaitForWorkAsync(CancellationToken stop)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stop);
        poll.CancelAfter(TimeSpan.FromSeconds(options.PollSeconds));
        try
        {
            await _wake.Reader.ReadAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // The poll interval passed: look anyway.
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var cs = new NpgsqlConnectionStringBuilder(database.ConnectionString)
                {
                    ApplicationName = "ekis-outbox-listener",
                    Pooling = false,
                    KeepAlive = 30,
                }.ConnectionString;
                await using var conn = new NpgsqlConnection(cs);
                conn.Notification += (_, _) => _wake.Writer.TryWrite(true);
                await conn.OpenAsync(stop);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn))
                    await listen.ExecuteNonQueryAsync(stop);
                if (failures > 0) logger.LogInformation("Outbox listener is back after {Failures} failure(s)", failures);
                failures = 0;
                // Events committed while nobody listened: look once now.
                _wake.Writer.TryWrite(true);
                while (!stop.IsCancellationRequested)
                    await conn.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogWarning(ex, "Outbox listener lost its connection ({Failures} in a row); polling every {Seconds} s meanwhile", failures, options.PollSeconds);
                await PauseAsync(failures, stop);
            }
        }
    }

    /// <summary>1, 2, 4 … 30 s after consecutive failures.</summary>
    private static async Task PauseAsync(int failures, CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(failures - 1, 5))), stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
