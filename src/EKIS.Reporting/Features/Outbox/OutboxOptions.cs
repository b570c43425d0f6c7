using EKIS.Reporting.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace EKIS.Reporting.Features.Outbox;

/// <summary>Settings of the outbox dispatcher (section "Outbox"). A record, so the slice scan does not register it.</summary>
public sealed record OutboxOptions
{
    /// <summary>Seconds between two looks at the table when no notification arrived (LISTEN is the fast path).</summary>
    public int PollSeconds { get; init; } = 5;

    /// <summary>Events claimed per dispatch transaction.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Delivery attempts after the first one failed (Hangfire's AutomaticRetry).</summary>
    public int RetryAttempts { get; init; } = 10;

    /// <summary>Seconds before each retry; empty: Hangfire's growing default back-off.</summary>
    public int[] RetryDelaysSeconds { get; init; } = [];

    /// <summary>Registers the three test subscribers (recording, failing, slow) and honours <see cref="Diagnostics"/>.</summary>
    public bool DiagnosticSubscribers { get; init; }

    public OutboxDiagnosticsOptions Diagnostics { get; init; } = new();

    public static OutboxOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Outbox").Get<OutboxOptions>() ?? new OutboxOptions();
        if (options.PollSeconds < 1 || options.BatchSize < 1 || options.RetryAttempts < 0 || options.RetryDelaysSeconds.Any(d => d < 0))
            throw new StartupException("Outbox: PollSeconds and BatchSize must be at least 1, RetryAttempts and RetryDelaysSeconds not negative.");
        return options;
    }
}

/// <summary>Behaviour of the diagnostic subscribers (only with <c>Outbox:DiagnosticSubscribers=true</c>).</summary>
public sealed record OutboxDiagnosticsOptions
{
    /// <summary>The failing subscriber throws on attempts 1..N of every delivery, then succeeds.</summary>
    public int FailAttempts { get; init; } = 2;

    /// <summary>The slow subscriber waits this long before it applies a delivery.</summary>
    public int SlowSeconds { get; init; } = 5;

    /// <summary>The pump waits this long after enqueueing a batch, before it commits dispatched_at (a window to kill it in).</summary>
    public int PauseBeforeCommitSeconds { get; init; }
}
