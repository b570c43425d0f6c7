using Npgsql;

namespace EKIS.Reporting.Features.Outbox;

/// <summary>
/// Something that reacts to domain events (aggregation, notifications, export — in their issues).
/// The contract (docs/decisions/0002-outbox-dispatch.md): an event only says "this report / campaign /
/// unit changed"; the subscriber reads the CURRENT stored state and recomputes what it owns, so the
/// order in which events arrive does not matter. Delivery is at least once: a subscriber must be
/// idempotent — writes in this database go through <see cref="OutboxDeliveryContext"/> and commit
/// together with the delivery mark (applied once); effects outside it are keyed by the event id.
/// </summary>
public interface IOutboxSubscriber
{
    /// <summary>Stable name: the key of its deliveries (<c>ekis.outbox_delivery.subscriber</c>) and of its jobs.</summary>
    string Name { get; }

    /// <summary>Whether this subscriber reacts to events of <paramref name="kind"/> (<see cref="DomainEvents"/>).</summary>
    bool Wants(string kind);

    /// <summary>Reacts to one event. Throwing fails this delivery only; it is retried with back-off.</summary>
    Task HandleAsync(OutboxEvent e, OutboxDeliveryContext delivery, CancellationToken ct);
}

/// <summary>
/// One delivery attempt: the connection and transaction that will mark the delivery done (so a
/// subscriber's own writes in this database commit or roll back with it), and the attempt number
/// (1 for the first).
/// </summary>
public sealed record OutboxDeliveryContext(NpgsqlConnection Connection, NpgsqlTransaction Transaction, int Attempt);
