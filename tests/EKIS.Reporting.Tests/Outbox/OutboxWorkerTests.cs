using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EKIS.Reporting.Tests.Outbox;

/// <summary>
/// Issue 11, point 2: the outbox dispatcher with REAL worker processes on a database of each test's
/// own (its Hangfire queue included, so no other test's jobs mix in). Events are appended with
/// <see cref="Features.Outbox.Outbox.AppendAsync"/> as any slice does; the diagnostic subscribers
/// (recording, failing, slow) record what they apply in ekis.outbox_diagnostic_receipt, one row per
/// (subscriber, event) whose <c>applications</c> would show a second application. Waits poll the
/// database for a state, never a duration.
/// </summary>
[NonParallelizable]
public sealed class OutboxWorkerTests
{
    private static readonly string[] Subscribers = [RecordingSubscriber.SubscriberName, FailingSubscriber.SubscriberName, SlowSubscriber.SubscriberName];
    private static readonly string[] Kinds = [DomainEvents.ReportSubmitted, DomainEvents.CampaignOpened, DomainEvents.RegistryChanged, DomainEvents.ExtensionGranted];

    private string _database = "";
    private NpgsqlDataSource _db = null!;
    private readonly List<OutboxWorker> _workers = [];

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        _database = await TestDatabase.CreateEmptyDatabaseAsync("outbox");
        await new Migrator(ConnectionString, NullLogger.Instance).MigrateAsync();
        _db = NpgsqlDataSource.Create(ConnectionString);
    }

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        foreach (var w in _workers)
        {
            if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
                await TestContext.Out.WriteLineAsync(w.ToString());
            await w.DisposeAsync();
        }
        _workers.Clear(); // one fixture instance runs every test
        await _db.DisposeAsync();
        await TestDatabase.DropDatabaseAsync(_database);
    }

    private string ConnectionString => TestDatabase.ConnectionFor(_database);

    [Test]
    public async Task Two_workers_deliver_every_event_to_each_subscriber_once_and_a_failing_one_is_retried_without_holding_back_the_others()
    {
        var events = await AppendAsync(12);
        var failingForNow = new Dictionary<string, string?> { ["Outbox__Diagnostics__FailAttempts"] = "1000000", ["Outbox__Diagnostics__SlowSeconds"] = "1" };
        Start("worker A", failingForNow);
        Start("worker B", failingForNow);

        // Every other subscriber is served while the failing one keeps failing and is retried.
        await WaitUntilAsync("recording and slow deliveries done, failing ones retried", async () =>
            await CountAsync("subscriber <> @failing AND delivered_at IS NOT NULL") == 2 * events.Count
            && await CountAsync("subscriber = @failing AND attempts >= 2") == events.Count);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await CountAsync("subscriber = @failing AND delivered_at IS NOT NULL"), Is.Zero);
            Assert.That(await CountAsync("subscriber = @failing AND last_error LIKE '%diagnostic failure%'"), Is.EqualTo(events.Count), "each failure is on record");
            Assert.That(await ReceiptsAsync(), Is.EquivalentTo(Expected(events, RecordingSubscriber.SubscriberName, SlowSubscriber.SubscriberName)));
        });

        // The failing subscriber recovers (a worker where it no longer fails takes the scheduled retries).
        foreach (var w in _workers) await w.KillAsync();
        Start("worker C", new Dictionary<string, string?> { ["Outbox__Diagnostics__FailAttempts"] = "0", ["Outbox__Diagnostics__SlowSeconds"] = "1" });
        await WaitUntilAsync("every delivery done", async () => await CountAsync("delivered_at IS NOT NULL") == 3 * events.Count);

        Assert.That(await ReceiptsAsync(), Is.EquivalentTo(Expected(events, Subscribers)), "each event applied once by each subscriber");
        Assert.That(await CountAsync("subscriber = @failing AND attempts < 3"), Is.Zero, "the failing subscriber was retried before it succeeded");
    }

    [Test]
    public async Task A_worker_killed_mid_dispatch_loses_no_event_and_its_deliveries_enqueued_again_apply_once()
    {
        var events = await AppendAsync(5);
        // Worker A enqueues every delivery, then holds its claim (dispatched_at not committed) …
        var a = Start("worker A", new Dictionary<string, string?>
        {
            ["Outbox__Diagnostics__PauseBeforeCommitSeconds"] = "600",
            ["Outbox__Diagnostics__FailAttempts"] = "0",
            ["Outbox__Diagnostics__SlowSeconds"] = "0",
        });
        await WaitUntilAsync("worker A paused between enqueue and commit", () => Task.FromResult(a.Output.Contains("paused before commit", StringComparison.Ordinal)));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await DeliveryJobsAsync(), Is.EqualTo(3 * events.Count), "A enqueued every delivery");
            Assert.That(await ScalarAsync("SELECT count(*) FROM ekis.outbox_event WHERE dispatched_at IS NULL"), Is.EqualTo(events.Count), "none committed as dispatched");
        });

        // … and dies there.
        await a.KillAsync();
        Start("worker B", new Dictionary<string, string?> { ["Outbox__Diagnostics__FailAttempts"] = "0", ["Outbox__Diagnostics__SlowSeconds"] = "0" });
        await WaitUntilAsync("B dispatched everything again and every delivery is done", async () =>
            await ScalarAsync("SELECT count(*) FROM ekis.outbox_event WHERE dispatched_at IS NULL") == 0
            && await CountAsync("delivered_at IS NOT NULL") == 3 * events.Count
            && await UnfinishedDeliveryJobsAsync() == 0);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await DeliveryJobsAsync(), Is.EqualTo(2 * 3 * events.Count), "B enqueued every delivery again");
            Assert.That(await ReceiptsAsync(), Is.EquivalentTo(Expected(events, Subscribers)), "nothing lost, nothing applied twice");
        });
    }

    [Test]
    public async Task A_worker_killed_mid_delivery_leaves_the_delivery_to_another_worker_and_a_slow_subscriber_holds_back_no_other()
    {
        var events = await AppendAsync(3);
        var a = Start("worker A", new Dictionary<string, string?> { ["Outbox__Diagnostics__FailAttempts"] = "0", ["Outbox__Diagnostics__SlowSeconds"] = "600" });

        // The other subscribers are served while every slow delivery is in progress in A.
        await WaitUntilAsync("A in the middle of every slow delivery, the others done", async () =>
            await CountAsync("subscriber <> @slow AND delivered_at IS NOT NULL") == 2 * events.Count
            && await CountAsync("subscriber = @slow AND attempts = 1 AND delivered_at IS NULL") == events.Count
            && CountOccurrences(a.Output, "Slow subscriber took event") == events.Count);

        await a.KillAsync();
        var b = Start("worker B", new Dictionary<string, string?> { ["Outbox__Diagnostics__FailAttempts"] = "0", ["Outbox__Diagnostics__SlowSeconds"] = "1" });
        await WaitUntilAsync("B finished A's slow deliveries", async () => await CountAsync("delivered_at IS NOT NULL") == 3 * events.Count);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ReceiptsAsync(), Is.EquivalentTo(Expected(events, Subscribers)), "nothing lost, nothing applied twice");
            Assert.That(await CountAsync("subscriber = @slow AND attempts = 2"), Is.EqualTo(events.Count), "the killed attempt counted, then B's");
            Assert.That(await ScalarAsync($"SELECT count(*) FROM ekis.outbox_diagnostic_receipt WHERE subscriber = '{SlowSubscriber.SubscriberName}' AND process_id = {b.ProcessId}"),
                Is.EqualTo(events.Count), "applied by B; A's writes went with it");
        });
    }

    private OutboxWorker Start(string name, IDictionary<string, string?> settings)
    {
        var w = OutboxWorker.Start(name, ConnectionString, settings);
        _workers.Add(w);
        return w;
    }

    /// <summary>Appends events of a few kinds, some several in one transaction, as slices do.</summary>
    private async Task<List<long>> AppendAsync(int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i += 2)
        {
            await using var tx = await _db.BeginAsAsync(Actor.Cli);
            for (var j = i; j < Math.Min(count, i + 2); j++)
                ids.Add(await Features.Outbox.Outbox.AppendAsync(tx.Connection, tx.Transaction, Kinds[j % Kinds.Length], payload: new { n = j }));
            await tx.CommitAsync();
        }
        return ids;
    }

    private static IEnumerable<(string, long, int)> Expected(IEnumerable<long> events, params string[] subscribers) =>
        from e in events from s in subscribers select (s, e, 1);

    private async Task<List<(string, long, int)>> ReceiptsAsync()
    {
        await using var conn = await _db.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, long, int)>("SELECT subscriber, event_id, applications FROM ekis.outbox_diagnostic_receipt")).ToList();
    }

    private Task<long> CountAsync(string where) => ScalarAsync(
        $"SELECT count(*) FROM ekis.outbox_delivery WHERE {where}",
        new { failing = FailingSubscriber.SubscriberName, slow = SlowSubscriber.SubscriberName });

    /// <summary>Delivery jobs in the test database's own Hangfire queue.</summary>
    private Task<long> DeliveryJobsAsync() =>
        ScalarAsync("SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%OutboxDeliveryJob%'");

    private Task<long> UnfinishedDeliveryJobsAsync() =>
        ScalarAsync("SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%OutboxDeliveryJob%' AND statename IS DISTINCT FROM 'Succeeded'");

    private async Task<long> ScalarAsync(string sql, object? args = null)
    {
        await using var conn = await _db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql, args);
    }

    private static int CountOccurrences(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>Polls for a state; gives up (and shows the workers' output and the deliveries) after two minutes.</summary>
    private async Task WaitUntilAsync(string what, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2) || (_workers.Count > 0 && _workers.All(w => w.HasExited)))
                Assert.Fail($"gave up waiting for: {what}\n{await DeliveriesAsync()}\n{string.Join('\n', _workers)}");
            await Task.Delay(200);
        }
    }

    private async Task<string> DeliveriesAsync()
    {
        await using var conn = await _db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<(string, long, int, string?, DateTime?)>(
            "SELECT subscriber, event_id, attempts, last_error, delivered_at FROM ekis.outbox_delivery ORDER BY event_id, subscriber");
        var text = new StringBuilder("deliveries (subscriber, event, attempts, last error, delivered at):\n");
        foreach (var r in rows) text.AppendLine(CultureInfo.InvariantCulture, $"  {r}");
        return text.ToString();
    }
}
