using System.Diagnostics;
using EKIS.Reporting.Features.Diagnostics;
using EKIS.Reporting.Hosting;
using EKIS.Reporting.Jobs.Diagnostics;
using EKIS.Reporting.Jobs.Hosting;
using EKIS.Reporting.Tests.Support;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace EKIS.Reporting.Tests.Foundation;

public sealed class JobTests
{
    [Test]
    public async Task A_job_enqueued_by_the_web_host_runs_in_a_separate_worker_process_and_logs_its_job_id()
    {
        var env = new Dictionary<string, string?> { ["EKIS_DB"] = TestDatabase.ConnectionString, ["EKIS_JOB_WORKERS"] = "2" };
        using var worker = Process.Start(BuiltPrograms.StartInfo(BuiltPrograms.Worker, env))!;
        var workerOutput = new System.Text.StringBuilder();
        worker.OutputDataReceived += (_, e) => { lock (workerOutput) workerOutput.AppendLine(e.Data); };
        worker.ErrorDataReceived += (_, e) => { lock (workerOutput) workerOutput.AppendLine(e.Data); };
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        try
        {
            using var web = new EkisWebFactory(runJobServer: false);
            using var scope = web.Services.CreateScope();
            var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
            var probe = scope.ServiceProvider.GetRequiredService<JobProbe>();

            var token = Guid.NewGuid();
            await probe.RequestAsync(token);
            var jobId = jobs.Enqueue<ProbeJob>(j => j.RunAsync(token, null, CancellationToken.None));

            JobProbe.Execution? done = null;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && !worker.HasExited)
            {
                done = await probe.FindAsync(token);
                if (done?.ExecutedAt is not null) break;
                await Task.Delay(250);
            }

            string output;
            lock (workerOutput) output = workerOutput.ToString();
            Assert.That(done?.ExecutedAt, Is.Not.Null, "the worker did not run the job; its output:\n" + output);
            Assert.Multiple(() =>
            {
                Assert.That(done!.ProcessId, Is.EqualTo(worker.Id), "run by the worker process");
                Assert.That(done.ProcessId, Is.Not.EqualTo(Environment.ProcessId), "not by the test (web) process");
                Assert.That(done.ServerName, Does.Contain(":worker:"));
                Assert.That(done.JobId, Is.EqualTo(jobId));
            });

            // The job's log lines carry its id (compact JSON file of the worker).
            var logs = Directory.GetFiles(Path.Combine(TestDatabase.StateFolder, "logs"), "worker-*.clef");
            var found = false;
            for (var i = 0; i < 20 && !found; i++)
            {
                found = logs.Any(f => ReadShared(f).Split('\n').Any(l => l.Contains($"\"JobId\":\"{jobId}\"", StringComparison.Ordinal) && l.Contains(token.ToString(), StringComparison.Ordinal)));
                if (!found) { await Task.Delay(250); logs = Directory.GetFiles(Path.Combine(TestDatabase.StateFolder, "logs"), "worker-*.clef"); }
            }
            Assert.That(found, Is.True, "a worker log line with the job id");
        }
        finally
        {
            if (!worker.HasExited)
            {
                using var term = Process.Start("kill", ["-TERM", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await term.WaitForExitAsync();
                if (!worker.WaitForExit(40_000)) worker.Kill(entireProcessTree: true);
            }
        }
        Assert.That(worker.ExitCode, Is.Zero, "the worker stops cleanly on SIGTERM");
    }

    /// <summary>Issue 11, point 5: the recurring jobs run in the region's zone (Region:TimeZone), the same one "today" is read in.</summary>
    [TestCase(null, "Europe/Moscow")]
    [TestCase("Asia/Yekaterinburg", "Asia/Yekaterinburg")]
    public void Recurring_jobs_are_registered_in_the_regions_time_zone(string? configured, string expected)
    {
        var region = configured is null ? new EKIS.Reporting.Infrastructure.Time.RegionOptions() : new EKIS.Reporting.Infrastructure.Time.RegionOptions { TimeZone = configured };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(TestDatabase.ConnectionString, JobStorageRegistration.StorageOptions()), JobStorageRegistration.StorageOptions());
        var ids = RecurringJobs.Register(new RecurringJobManager(storage), region);
        using var connection = storage.GetConnection();
        var registered = connection.GetRecurringJobs().Where(j => ids.Contains(j.Id)).ToList();

        Assert.That(registered.Select(j => j.Id), Is.EquivalentTo(ids));
        Assert.That(registered, Has.All.Matches<Hangfire.Storage.RecurringJobDto>(j => j.TimeZoneId == expected));
    }

    [Test]
    public void Long_jobs_keep_their_lease_and_new_jobs_are_picked_up_by_notification()
    {
        var options = JobStorageRegistration.StorageOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.UseSlidingInvisibilityTimeout, Is.True);
            Assert.That(options.EnableLongPolling, Is.True);
            Assert.That(options.SchemaName, Is.EqualTo("hangfire"));
        });
    }

    [TestCase(100, 40, 30)]
    [TestCase(4, 40, 4)]
    [TestCase(50, 5, 1)]
    public void Worker_count_is_kept_within_the_connection_pool(int wanted, int pool, int expected) =>
        Assert.That(new JobsOptions { WorkerCount = wanted, MaxPoolSize = pool }.EffectiveWorkerCount(), Is.EqualTo(expected));

    private static string ReadShared(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var r = new StreamReader(fs);
        return r.ReadToEnd();
    }
}
