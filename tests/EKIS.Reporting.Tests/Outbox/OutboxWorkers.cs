using System.Diagnostics;
using System.Text;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Outbox;

/// <summary>
/// A standalone worker process (the built jobs host) on a test's own database, with the diagnostic
/// outbox subscribers switched on and every timing the outbox tests need in seconds.
/// </summary>
internal sealed class OutboxWorker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private OutboxWorker(Process process, string name)
    {
        _process = process;
        Name = name;
        ProcessId = process.Id;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public int ProcessId { get; private init; }
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="settings">Extra settings (environment, <c>__</c> for <c>:</c>), e.g. the diagnostic subscribers' behaviour.</param>
    public static OutboxWorker Start(string name, string connectionString, IDictionary<string, string?> settings)
    {
        var env = new Dictionary<string, string?>
        {
            ["EKIS_DB"] = connectionString,
            ["EKIS_JOB_WORKERS"] = "6",
            // A dead worker's job goes to another after 5 s; a retry or a delayed job is due within a second.
            ["Jobs__InvisibilityTimeoutSeconds"] = "5",
            ["Jobs__SchedulePollingSeconds"] = "1",
            ["Outbox__DiagnosticSubscribers"] = "true",
            ["Outbox__PollSeconds"] = "1",
            ["Outbox__RetryAttempts"] = "1000",
            ["Outbox__RetryDelaysSeconds__0"] = "1",
        };
        foreach (var (k, v) in settings) env[k] = v;
        return new OutboxWorker(Process.Start(BuiltPrograms.StartInfo(BuiltPrograms.Worker, env))!, name);
    }

    /// <summary>SIGKILL: no shutdown, no cleanup — the process simply vanishes, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    public override string ToString() => $"--- {Name} (pid {ProcessId}{(HasExited ? ", exited" : "")}) ---\n{Output}";
}
