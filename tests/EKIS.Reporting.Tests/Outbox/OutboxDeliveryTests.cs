using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Jobs.Diagnostics;
using EKIS.Reporting.Jobs.Outbox;
using EKIS.Reporting.Tests.Support;
using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace EKIS.Reporting.Tests.Outbox;

/// <summary>
/// Issue 11, point 2 (the dispatcher): dispatch and delivery on the real database, in-process. The
/// same mechanism with real worker processes (kills included) is in <see cref="OutboxWorkerTests"/>.
/// </summary>
public sealed class OutboxDeliveryTests : DatabaseTest
{
    private static readonly OutboxOptions Options = new() { DiagnosticSubscribers = true };

    [Test]
    public async Task A_delivery_applies_once_however_often_its_job_runs()
    {
        var id = await AppendAsync(DomainEvents.CampaignOpened);
        var delivery = Delivery(new RecordingSubscriber());

        var first = await delivery.DeliverAsync(RecordingSubscriber.SubscriberName, id);
        var second = await delivery.DeliverAsync(RecordingSubscriber.SubscriberName, id);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first, Is.EqualTo(OutboxDelivery.Outcome.Delivered));
            Assert.That(second, Is.EqualTo(OutboxDelivery.Outcome.AlreadyDelivered));
            Assert.That(await ScalarAsync<int>("SELECT applications FROM ekis.outbox_diagnostic_receipt WHERE event_id = $1", id), Is.EqualTo(1));
            Assert.That(await ScalarAsync<int>("SELECT attempts FROM ekis.outbox_delivery WHERE event_id = $1 AND delivered_at IS NOT NULL", id), Is.EqualTo(1),
                "the second run counts no attempt: it found the delivery done");
        });
    }

    [Test]
    public async Task Two_jobs_delivering_the_same_event_at_once_apply_it_once()
    {
        var id = await AppendAsync(DomainEvents.ReportSubmitted);
        var gate = new GatedSubscriber();
        var delivery = Delivery(gate);

        var first = delivery.DeliverAsync(gate.Name, id);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var second = delivery.DeliverAsync(gate.Name, id);
        // The second job waits on the first one's lock of the delivery row (not on a timer).
        await WaitUntilAsync(async () => await ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") >= 1, "the second delivery waits for the first");
        gate.Release.SetResult();

        Assert.That(new[] { await first, await second }, Is.EquivalentTo(new[] { OutboxDelivery.Outcome.Delivered, OutboxDelivery.Outcome.AlreadyDelivered }));
        Assert.That(gate.Calls, Is.EqualTo(1), "the subscriber ran once");
    }

    [Test]
    public async Task A_failed_delivery_records_its_attempt_and_error_rolls_its_writes_back_and_succeeds_on_a_retry()
    {
        var id = await AppendAsync(DomainEvents.ReportAcceptedByRegion);
        var failing = new FailingSubscriber(Options with { Diagnostics = new OutboxDiagnosticsOptions { FailAttempts = 1 } });
        var delivery = Delivery(failing);

        Assert.ThrowsAsync<DiagnosticFailureException>(() => delivery.DeliverAsync(failing.Name, id));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<int>("SELECT attempts FROM ekis.outbox_delivery WHERE event_id = $1 AND delivered_at IS NULL", id), Is.EqualTo(1));
            Assert.That(await ScalarAsync<string>("SELECT last_error FROM ekis.outbox_delivery WHERE event_id = $1", id), Does.Contain("diagnostic failure"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.outbox_diagnostic_receipt"), Is.Zero);
        });

        Assert.That(await delivery.DeliverAsync(failing.Name, id), Is.EqualTo(OutboxDelivery.Outcome.Delivered));
        Assert.That(await ScalarAsync<int>("SELECT attempt FROM ekis.outbox_diagnostic_receipt WHERE event_id = $1 AND applications = 1", id), Is.EqualTo(2));
    }

    [Test]
    public async Task Dispatch_hands_each_event_to_every_subscriber_that_wants_it_oldest_first_and_marks_it_dispatched()
    {
        var opened = await AppendAsync(DomainEvents.CampaignOpened);
        var submitted = await AppendAsync(DomainEvents.ReportSubmitted);
        var closed = await AppendAsync(DomainEvents.CampaignClosed);
        var enqueued = new List<(string, long)>();
        var dispatch = Dispatch(new RecordingSubscriber(), new CampaignsOnly());

        var claimed = await dispatch.DispatchBatchAsync((s, e) => enqueued.Add((s, e)));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(claimed, Is.EqualTo(3));
            Assert.That(enqueued, Is.EqualTo(new[]
            {
                (RecordingSubscriber.SubscriberName, opened), (CampaignsOnly.SubscriberName, opened),
                (RecordingSubscriber.SubscriberName, submitted),
                (RecordingSubscriber.SubscriberName, closed), (CampaignsOnly.SubscriberName, closed),
            }));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.outbox_event WHERE dispatched_at IS NULL"), Is.Zero);
            Assert.That(await dispatch.DispatchBatchAsync((s, e) => enqueued.Add((s, e))), Is.Zero, "nothing is dispatched twice");
        });
    }

    [Test]
    public async Task A_second_pump_skips_events_another_pump_is_dispatching_and_a_crashed_dispatch_is_dispatched_again()
    {
        var id = await AppendAsync(DomainEvents.RespondentAdded);
        var dispatch = Dispatch(new RecordingSubscriber());
        var other = Dispatch(new RecordingSubscriber());

        // The first pump dies after enqueueing, before its commit: the claim goes with it.
        var seenByOther = -1;
        Assert.ThrowsAsync<InvalidOperationException>(() => dispatch.DispatchBatchAsync((_, _) =>
        {
            seenByOther = other.DispatchBatchAsync((_, _) => Assert.Fail("claimed twice")).GetAwaiter().GetResult();
            throw new InvalidOperationException("the process died");
        }));
        Assert.That(seenByOther, Is.Zero, "a claimed event is skipped, not waited for");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.outbox_event WHERE dispatched_at IS NULL"), Is.EqualTo(1), "not lost");

        var again = new List<long>();
        Assert.That(await other.DispatchBatchAsync((_, e) => again.Add(e)), Is.EqualTo(1));
        Assert.That(again, Is.EqualTo(new[] { id }));
    }

    [Test]
    public async Task An_event_of_a_change_that_rolled_back_does_not_exist()
    {
        await using (var tx = await Db.BeginAsAsync(Actor.Cli))
            await Features.Outbox.Outbox.AppendAsync(tx.Connection, tx.Transaction, DomainEvents.CampaignOpened);
        Assert.That(await Dispatch(new RecordingSubscriber()).DispatchBatchAsync((_, _) => Assert.Fail("dispatched")), Is.Zero);
    }

    [Test]
    public void Delivery_jobs_retry_by_the_outbox_settings_and_other_jobs_keep_their_own_policy()
    {
        var providers = new JobFilterProviderCollection(JobFilterProviders.Providers,
            new OutboxRetryFilterProvider(new OutboxOptions { RetryAttempts = 3, RetryDelaysSeconds = [1, 2] }));

        var delivery = providers.GetFilters(Job.FromExpression<OutboxDeliveryJob>(j => j.RunAsync("s", 1, CancellationToken.None)))
            .Select(f => f.Instance).OfType<AutomaticRetryAttribute>().ToList();
        var probe = providers.GetFilters(Job.FromExpression<ProbeJob>(j => j.RunAsync(Guid.Empty, null, CancellationToken.None)))
            .Select(f => f.Instance).OfType<AutomaticRetryAttribute>().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(delivery, Has.Count.EqualTo(1), "one retry policy wins");
            Assert.That(delivery[0].Attempts, Is.EqualTo(3));
            Assert.That(delivery[0].DelaysInSeconds, Is.EqualTo(new[] { 1, 2 }));
            Assert.That(probe.Single().Attempts, Is.EqualTo(AutomaticRetryAttribute.DefaultRetryAttempts), "the global default");
        });
    }

    [Test]
    public void The_invisibility_timeout_of_a_dead_workers_job_comes_from_the_jobs_settings()
    {
        var configured = JobsOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:InvisibilityTimeoutSeconds"] = "7",
        }).Build());
        Assert.Multiple(() =>
        {
            Assert.That(JobStorageRegistration.StorageOptions(configured).InvisibilityTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(JobStorageRegistration.StorageOptions().InvisibilityTimeout, Is.EqualTo(TimeSpan.FromMinutes(30)), "Hangfire's default unless configured");
            Assert.That(JobStorageRegistration.StorageOptions(configured).UseSlidingInvisibilityTimeout, Is.True, "a live worker keeps its lease");
        });
    }

    private static async Task<long> AppendAsync(string kind)
    {
        await using var tx = await Db.BeginAsAsync(Actor.Cli);
        var id = await Features.Outbox.Outbox.AppendAsync(tx.Connection, tx.Transaction, kind, payload: new { test = TestContext.CurrentContext.Test.Name });
        await tx.CommitAsync();
        return id;
    }

    private static OutboxDelivery Delivery(params IOutboxSubscriber[] subscribers) =>
        new(Db, subscribers, NullLogger<OutboxDelivery>.Instance);

    private static OutboxDispatch Dispatch(params IOutboxSubscriber[] subscribers) =>
        new(Db, subscribers, Options, NullLogger<OutboxDispatch>.Instance);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail("gave up waiting: " + what);
            await Task.Delay(50);
        }
    }

    /// <summary>Wants campaign events only.</summary>
    private sealed class CampaignsOnly : IOutboxSubscriber
    {
        public const string SubscriberName = "test.campaigns";
        public string Name => SubscriberName;
        public bool Wants(string kind) => kind.StartsWith("campaign.", StringComparison.Ordinal);
        public Task HandleAsync(OutboxEvent e, OutboxDeliveryContext delivery, CancellationToken ct) => Task.CompletedTask;
    }

    /// <summary>Holds its delivery open until released, so a second delivery can be started meanwhile.</summary>
    private sealed class GatedSubscriber : IOutboxSubscriber
    {
        private int _calls;
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Calls => _calls;
        public string Name => "test.gated";
        public bool Wants(string kind) => true;

        public async Task HandleAsync(OutboxEvent e, OutboxDeliveryContext delivery, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            Entered.TrySetResult();
            await Release.Task;
        }
    }
}
