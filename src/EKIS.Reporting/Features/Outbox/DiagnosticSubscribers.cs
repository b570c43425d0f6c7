using Dapper;
using Microsoft.Extensions.Logging;

namespace EKIS.Reporting.Features.Outbox;

// The test subscribers of the dispatcher, registered only with Outbox:DiagnosticSubscribers=true
// (internal: the slice scan leaves them alone). Each records what it applied in
// ekis.outbox_diagnostic_receipt inside the delivery's transaction (migration 0019).

/// <summary>Records every event it is given.</summary>
internal sealed class RecordingSubscriber : IOutboxSubscriber
{
    public const string SubscriberName = "diagnostic.recording";
    public string Name => SubscriberName;
    public bool Wants(string kind) => true;
    public Task HandleAsync(OutboxEvent e, OutboxDeliveryContext delivery, CancellationToken ct) => DiagnosticReceipt.RecordAsync(Name, e, delivery, ct);
}

/// <summary>Fails the first <see cref="OutboxDiagnosticsOptions.FailAttempts"/> attempts of every delivery, then records it.</summary>
internal sealed class FailingSubscriber(OutboxOptions options) : IOutboxSubscriber
{
    public const string SubscriberName = "diagnostic.failing";
    public string Name => SubscriberName;
    public bool Wants(string kind) => true;

    public Task HandleAsync(OutboxEvent e, OutboxDeliveryContext delivery, CancellationToken ct)
    {
        if (delivery.Attempt <= options.Diagnostics.FailAttempts)
            throw new DiagnosticFailureException($"diagnostic failure of event {e.Id}, attempt {delivery.Attempt} of {options.Diagnostics.FailAttempts}");
        return DiagnosticReceipt.RecordAsync(Name, e, delivery, ct);
    }
}

/// <summary>Waits <see cref="OutboxDiagnosticsOptions.SlowSeconds"/> before it records an event.</summary>
internal sealed class SlowSubscriber(OutboxOptions options, ILogger<SlowSubscriber> logger) : IOutboxSubscriber
{
    public const string SubscriberName = "diagnostic.slow";
    public string Name => SubscriberName;
    public bool Wants(string kind) => true;

    public async Task HandleAsync(OutboxEvent e, OutboxDeliveryContext delivery, CancellationToken ct)
    {
        logger.LogInformation("Slow subscriber took event {EventId} (attempt {Attempt}), waiting {Seconds} s", e.Id, delivery.Attempt, options.Diagnostics.SlowSeconds);
        await Task.Delay(TimeSpan.FromSeconds(options.Diagnostics.SlowSeconds), ct);
        await DiagnosticReceipt.RecordAsync(Name, e, delivery, ct);
    }
}

internal sealed class DiagnosticFailureException(string message) : Exception(message);

internal static class DiagnosticReceipt
{
    /// <summary>One row per (subscriber, event); a second application counts up instead of hiding.</summary>
    public static Task RecordAsync(string subscriber, OutboxEvent e, OutboxDeliveryContext delivery, CancellationToken ct) =>
        delivery.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ekis.outbox_diagnostic_receipt AS r (subscriber, event_id, attempt, process_id)
            VALUES (@subscriber, @eventId, @attempt, @processId)
            ON CONFLICT (subscriber, event_id) DO UPDATE SET applications = r.applications + 1
            """, new { subscriber, eventId = e.Id, attempt = delivery.Attempt, processId = Environment.ProcessId },
            delivery.Transaction, cancellationToken: ct));
}
