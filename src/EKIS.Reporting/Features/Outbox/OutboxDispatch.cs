using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Features.Outbox;

/// <summary>
/// Hands undispatched events to the job queue: one delivery per (subscriber that wants it, event).
/// Events are claimed oldest first with <c>FOR NO KEY UPDATE SKIP LOCKED</c>, so pumps in several
/// processes share the work without waiting on each other; the deliveries are enqueued, then
/// <c>dispatched_at</c> is committed. A process that dies in between leaves the events undispatched
/// and another pump enqueues them again — harmless, since a delivery applies once per
/// (subscriber, event) (<see cref="OutboxDelivery"/>). Nothing is lost: the claim is a lock, not a mark.
/// </summary>
public sealed class OutboxDispatch(NpgsqlDataSource db, IEnumerable<IOutboxSubscriber> subscribers, OutboxOptions options, ILogger<OutboxDispatch> logger)
{
    /// <summary>Enqueues the deliveries of one event to one subscriber (the pump passes Hangfire's client).</summary>
    public delegate void Enqueue(string subscriber, long eventId);

    /// <summary>Dispatches one batch; returns how many events it claimed (a full batch means: call again).</summary>
    public async Task<int> DispatchBatchAsync(Enqueue enqueue, CancellationToken ct = default)
    {
        var wanting = subscribers.ToList();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // NO KEY UPDATE, not UPDATE: a delivery's row in outbox_delivery references the event and takes
        // a KEY SHARE lock on it, which UPDATE would block until this transaction ends.
        var events = (await conn.QueryAsync<(long Id, string Kind)>(new CommandDefinition("""
            SELECT id, kind FROM ekis.outbox_event
            WHERE dispatched_at IS NULL
            ORDER BY id
            LIMIT @batch
            FOR NO KEY UPDATE SKIP LOCKED
            """, new { batch = options.BatchSize }, tx, cancellationToken: ct))).ToList();
        if (events.Count == 0) return 0;

        var deliveries = 0;
        foreach (var (id, kind) in events)
            foreach (var s in wanting.Where(s => s.Wants(kind)))
            {
                enqueue(s.Name, id);
                deliveries++;
            }

        if (options.DiagnosticSubscribers && options.Diagnostics.PauseBeforeCommitSeconds > 0)
        {
            logger.LogWarning("Outbox dispatch paused before commit for {Seconds} s after enqueueing {Deliveries} deliveries of {Events} event(s) (diagnostic)",
                options.Diagnostics.PauseBeforeCommitSeconds, deliveries, events.Count);
            await Task.Delay(TimeSpan.FromSeconds(options.Diagnostics.PauseBeforeCommitSeconds), ct);
        }

        var ids = events.Select(e => e.Id).ToArray();
        await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE ekis.outbox_event SET dispatched_at = now() WHERE id = ANY(@ids)", new { ids }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        logger.LogInformation("Outbox dispatched {Events} event(s) ({FirstId}..{LastId}) as {Deliveries} deliveries", events.Count, ids[0], ids[^1], deliveries);
        return events.Count;
    }
}
