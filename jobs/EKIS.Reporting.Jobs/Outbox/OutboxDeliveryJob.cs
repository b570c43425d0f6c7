using EKIS.Reporting.Features.Outbox;
using Hangfire;

namespace EKIS.Reporting.Jobs.Outbox;

/// <summary>
/// Thin adapter over <see cref="OutboxDelivery.DeliverAsync"/>: one event to one subscriber. A
/// failure is retried with back-off by Hangfire (<see cref="OutboxRetryFilterProvider"/>, from
/// Outbox:RetryAttempts / RetryDelaysSeconds); each delivery is its own job, so it blocks no other.
/// </summary>
public sealed class OutboxDeliveryJob(OutboxDelivery delivery)
{
    [JobDisplayName("Outbox: event {1} → {0}")]
    public Task<OutboxDelivery.Outcome> RunAsync(string subscriber, long eventId, CancellationToken ct) =>
        delivery.DeliverAsync(subscriber, eventId, ct);
}
