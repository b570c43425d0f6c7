using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Issue 10, point 12: /health/ready reports a job server that has lost its database as Unhealthy
/// (503), not Healthy. Real processes on a database of their own (a server that lost its database
/// leaves a registration behind that must not disturb other tests).
/// </summary>
[NonParallelizable]
public sealed class JobHealthTests
{
    private string _database = "";

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        _database = await TestDatabase.CreateEmptyDatabaseAsync("jobhealth");
        await new Migrator(TestDatabase.ConnectionFor(_database), NullLogger.Instance).MigrateAsync();
    }

    [TearDown]
    public Task DropDatabaseAsync() => TestDatabase.DropDatabaseAsync(_database);

    [Test]
    public async Task A_worker_that_lost_its_database_makes_readiness_unhealthy()
    {
        var direct = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionFor(_database));
        await using var relay = new TcpRelay(direct.Host!, direct.Port);
        var throughRelay = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 3 };
        var heartbeat = new Dictionary<string, string?> { ["Jobs__HeartbeatSeconds"] = "2" };

        using var worker = Process.Start(BuiltPrograms.StartInfo(BuiltPrograms.Worker,
            new Dictionary<string, string?>(heartbeat) { ["EKIS_DB"] = throughRelay.ConnectionString, ["EKIS_JOB_WORKERS"] = "1" }))!;
        var workerOutput = new System.Text.StringBuilder();
        worker.OutputDataReceived += (_, e) => { lock (workerOutput) workerOutput.AppendLine(e.Data); };
        worker.ErrorDataReceived += (_, e) => { lock (workerOutput) workerOutput.AppendLine(e.Data); };
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        try
        {
            await using var web = await RunningWebApp.StartAsync(new Dictionary<string, string?>(heartbeat)
            {
                ["EKIS_DB"] = direct.ConnectionString,
                ["EKIS_WEB_JOBS"] = "false",
            });
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

            // The worker has announced itself and is alive.
            var (status, report) = await ReadyUntilAsync(http, web, r => r.Servers >= 1 && r.Status == "Healthy");
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), () => "the worker did not register: " + report.Body + "\n" + Output(workerOutput));

            relay.Cut();

            (status, report) = await ReadyUntilAsync(http, web, r => r.Status != "Healthy");
            Assert.Multiple(() =>
            {
                Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), report.Body);
                Assert.That(report.Status, Is.EqualTo("Unhealthy"));
                Assert.That(report.JobStorage, Does.Contain(":worker:"), "names the silent server");
                Assert.That(report.Body, Does.Contain("\"database\":{\"status\":\"Healthy\""), "the web app itself still reaches the database");
            });
        }
        finally
        {
            // It cannot sign off without its database; its registration goes with the dropped database.
            if (!worker.HasExited) worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    [Test]
    public async Task A_web_app_whose_database_is_dropped_answers_503()
    {
        await using var web = await RunningWebApp.StartAsync(new Dictionary<string, string?>
        {
            ["EKIS_DB"] = TestDatabase.ConnectionFor(_database),
            ["EKIS_WEB_JOBS"] = "true",
            ["Jobs__HeartbeatSeconds"] = "2",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var (status, report) = await ReadyUntilAsync(http, web, r => r.Servers >= 1);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), report.Body);

        await TestDatabase.DropDatabaseAsync(_database);

        (status, report) = await ReadyUntilAsync(http, web, r => r.Status != "Healthy");
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), report.Body);
        Assert.That(report.Status, Is.EqualTo("Unhealthy"));
    }

    private sealed record Report(string Body, string Status, int Servers, string JobStorage);

    /// <summary>Reads /health/ready until <paramref name="done"/> holds or a generous deadline passes; returns the last answer.</summary>
    private static async Task<(HttpStatusCode, Report)> ReadyUntilAsync(HttpClient http, RunningWebApp web, Func<Report, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var response = await http.GetAsync(new Uri(web.Address, "/health/ready"));
            var body = await response.Content.ReadAsStringAsync();
            var json = JsonDocument.Parse(body).RootElement;
            var job = json.GetProperty("checks").GetProperty("job-storage");
            var description = job.GetProperty("description").GetString() ?? "";
            var servers = System.Text.RegularExpressions.Regex.Match(description, @"(\d+) server") is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var report = new Report(body, json.GetProperty("status").GetString() ?? "", servers, description);
            if (done(report) || DateTime.UtcNow > deadline) return (response.StatusCode, report);
            await Task.Delay(500);
        }
    }

    private static string Output(System.Text.StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
