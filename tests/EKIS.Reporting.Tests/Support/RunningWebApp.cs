using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// The built web app as a real process on a free loopback port, on the run's test database —
/// what a browser test talks to (a browser cannot reach the in-process test server).
/// </summary>
public sealed class RunningWebApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private RunningWebApp(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the app; <paramref name="environment"/> overrides the defaults (a null value removes a variable).</summary>
    public static Task<RunningWebApp> StartAsync(IDictionary<string, string?>? environment = null) =>
        StartAsync(env => BuiltPrograms.StartInfo(BuiltPrograms.Web, env), environment);

    /// <summary>
    /// Starts the app the way the README's quick start does — <c>dotnet run --project src/EKIS.Reporting.Web</c>
    /// (without building: the test run built it), so the launch profile applies.
    /// </summary>
    public static Task<RunningWebApp> StartWithDotnetRunAsync(IDictionary<string, string?>? environment = null) =>
        StartAsync(BuiltPrograms.DotnetRunWebStartInfo, environment);

    private static async Task<RunningWebApp> StartAsync(Func<IDictionary<string, string?>, ProcessStartInfo> startInfo, IDictionary<string, string?>? environment)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var env = new Dictionary<string, string?>
        {
            ["EKIS_DB"] = TestDatabase.ConnectionString,
            ["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/'),
            ["EKIS_WEB_JOBS"] = "false",
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>()) env[k] = v;
        var process = Process.Start(startInfo(env))!;
        var app = new RunningWebApp(process, address);
        process.OutputDataReceived += (_, e) => { lock (app._output) app._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (app._output) app._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri(address, "/health/ready"))).IsSuccessStatusCode) return app;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        await app.DisposeAsync();
        throw new InvalidOperationException("The web app did not become ready:\n" + app.Output);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}
