using Dapper;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Features.Outbox;

/// <summary>
/// Delivers one event to one subscriber, at most once per (subscriber, event) however often the job
/// runs: the delivery row in <c>ekis.outbox_delivery</c> is locked while the subscriber works, the
/// subscriber's own writes share that transaction, and <c>delivered_at</c> commits with them. A
/// duplicate job (a re-dispatch, a second worker) waits for the lock, then finds the delivery done
/// and skips. A failure rolls the subscriber's writes back, records attempts and the error, and is
/// rethrown for Hangfire's retry; it touches no other delivery.
/// </summary>
public sealed class OutboxDelivery(NpgsqlDataSource db, IEnumerable<IOutboxSubscriber> subscribers, ILogger<OutboxDelivery> logger)
{
    public enum Outcome { Delivered, AlreadyDelivered, EventMissing }

    public async Task<Outcome> DeliverAsync(string subscriberName, long eventId, CancellationToken ct = default)
    {
        var subscriber = subscribers.FirstOrDefault(s => s.Name == subscriberName)
            ?? throw new InvalidOperationException($"No outbox subscriber named '{subscriberName}' is registered in this process (Outbox settings differ between hosts?).");

        // The attempt is counted in its own statement, committed at once: an attempt cut short by a
        // dying process still shows. It waits while another worker holds the delivery, and counts
        // nothing once the delivery is done (or when the event does not exist).
        await using var conn = await db.OpenConnectionAsync(ct);
        var attempt = await conn.QuerySingleOrDefaultAsync<int?>(new CommandDefinition("""
            INSERT INTO ekis.outbox_delivery AS d (subscriber, event_id, attempts, last_attempt_at)
            SELECT @subscriberName, e.id, 1, now() FROM ekis.outbox_event e WHERE e.id = @eventId
            ON CONFLICT (subscriber, event_id) DO UPDATE
               SET attempts = d.attempts + 1, last_attempt_at = now()
             WHERE d.delivered_at IS NULL
            RETURNING d.attempts
            """, new { subscriberName, eventId }, cancellationToken: ct));
        if (attempt is null)
            return await ExistsAsync(conn, eventId, ct) ? Skipped() : Missing();

        try
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition(
                "SELECT set_config('ekis.actor', @actor, true)", new { actor = Actor.Jobs.Key }, tx, cancellationToken: ct));
            var done = await conn.QuerySingleAsync<DateTime?>(new CommandDefinition(
                "SELECT delivered_at FROM ekis.outbox_delivery WHERE subscriber = @subscriberName AND event_id = @eventId FOR UPDATE",
                new { subscriberName, eventId }, tx, cancellationToken: ct));
            if (done is not null) return Skipped();

            var e = await conn.QuerySingleAsync<OutboxEvent>(new CommandDefinition("""
                SELECT id, kind, campaign_id AS CampaignId, report_id AS ReportId, org_unit_id AS OrgUnitId,
                       payload::text AS Payload, actor, occurred_at AS OccurredAt
                FROM ekis.outbox_event WHERE id = @eventId
                """, new { eventId }, tx, cancellationToken: ct));
            await subscriber.HandleAsync(e, new OutboxDeliveryContext(conn, tx, attempt.Value), ct);
            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE ekis.outbox_delivery SET delivered_at = now() WHERE subscriber = @subscriberName AND event_id = @eventId",
                new { subscriberName, eventId }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            logger.LogInformation("Outbox event {EventId} ({Kind}) delivered to {Subscriber} on attempt {Attempt}", eventId, e.Kind, subscriberName, attempt);
            return Outcome.Delivered;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The transaction is rolled back by now (disposed); the failure goes on record by itself.
            logger.LogWarning(ex, "Outbox event {EventId} failed in {Subscriber} on attempt {Attempt}", eventId, subscriberName, attempt);
            await RecordFailureAsync(subscriberName, eventId, ex, CancellationToken.None);
            throw;
        }

        Outcome Skipped()
        {
            logger.LogInformation("Outbox event {EventId} was already delivered to {Subscriber}; nothing to do", eventId, subscriberName);
            return Outcome.AlreadyDelivered;
        }

        Outcome Missing()
        {
            // Only after a restore of an older backup (or between tests): there is nothing to react to.
            logger.LogWarning("Outbox event {EventId} for {Subscriber} does not exist; nothing to deliver", eventId, subscriberName);
            return Outcome.EventMissing;
        }
    }

    private static Task<bool> ExistsAsync(NpgsqlConnection conn, long eventId, CancellationToken ct) =>
        conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM ekis.outbox_event WHERE id = @eventId)", new { eventId }, cancellationToken: ct));

    private async Task RecordFailureAsync(string subscriberName, long eventId, Exception ex, CancellationToken ct)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE ekis.outbox_delivery SET last_error = @error WHERE subscriber = @subscriberName AND event_id = @eventId AND delivered_at IS NULL",
                new { subscriberName, eventId, error = $"{ex.GetType().Name}: {ex.Message}" }, cancellationToken: ct));
        }
        catch (NpgsqlException recordError)
        {
            // The retry still happens; only the note is missing.
            logger.LogWarning(recordError, "Could not record the failure of outbox event {EventId} in {Subscriber}", eventId, subscriberName);
        }
    }

    /// <summary>A delivery not (yet) done: the admin view and the tests read these.</summary>
    public sealed record Pending(string Subscriber, long EventId, string Kind, DateTime OccurredAt, int Attempts, string? LastError, DateTime? LastAttemptAt);

    /// <summary>Deliveries attempted but not done, the oldest first (failing ones carry their last error).</summary>
    public async Task<IReadOnlyList<Pending>> PendingAsync(int limit = 200, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Pending>(new CommandDefinition("""
            SELECT d.subscriber, d.event_id AS EventId, e.kind, e.occurred_at AS OccurredAt, d.attempts,
                   d.last_error AS LastError, d.last_attempt_at AS LastAttemptAt
            FROM ekis.outbox_delivery d JOIN ekis.outbox_event e ON e.id = d.event_id
            WHERE d.delivered_at IS NULL
            ORDER BY d.event_id, d.subscriber
            LIMIT @limit
            """, new { limit }, cancellationToken: ct))).ToList();
    }
}
