using System.Diagnostics;
using System.Text;
using EKIS.Reporting.Infrastructure;

namespace EKIS.Reporting.Tests.Support;

/// <summary>Runs the built web app, worker and CLI as real child processes (same build configuration as the tests).</summary>
public static class BuiltPrograms
{
    public static string RepositoryRoot { get; } =
        RepositoryPaths.FindRepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Cannot find EKIS.Reporting.sln above the test folder.");

    // .../bin/<Configuration>/net10.0/
    private static string Configuration => Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;

    public static string Web => Output("src/EKIS.Reporting.Web", "EKIS.Reporting.Web.dll");
    public static string Worker => Output("jobs/EKIS.Reporting.Jobs", "EKIS.Reporting.Jobs.dll");
    public static string Cli => Output("src/EKIS.Reporting.Cli", "ekis.dll");

    private static string Output(string project, string dll)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build output not found: {path}");
    }

    /// <summary>
    /// Environment for a child host: never inherits a real EKIS_DB, logs into the run's folder.
    /// An entry of <paramref name="env"/> with a null value removes that variable (e.g. to run the
    /// web app without ASPNETCORE_ENVIRONMENT, the way <c>dotnet run</c> does).
    /// </summary>
    public static ProcessStartInfo StartInfo(string dll, IDictionary<string, string?> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The web app's content root (wwwroot, appsettings) is its project folder in a source checkout.
            WorkingDirectory = dll == Web ? Path.Combine(RepositoryRoot, "src", "EKIS.Reporting.Web") : Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("EKIS_DB");
        psi.Environment["EKIS_DATA_DIR"] = TestDatabase.StateFolder;
        psi.Environment["EKIS_LOG_DIR"] = Path.Combine(TestDatabase.StateFolder, "logs");
        psi.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (k, v) in env)
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        return psi;
    }

    /// <summary>
    /// <c>dotnet run --no-build --project src/EKIS.Reporting.Web</c> with the test run's configuration:
    /// what a newcomer types, launch profile included, without a second build. Same environment rules
    /// as <see cref="StartInfo"/>.
    /// </summary>
    public static ProcessStartInfo DotnetRunWebStartInfo(IDictionary<string, string?> env)
    {
        var psi = StartInfo(Web, env);
        psi.ArgumentList.Clear();
        foreach (var a in new[] { "run", "--no-build", "-c", Configuration, "--project", Path.Combine(RepositoryRoot, "src", "EKIS.Reporting.Web") })
            psi.ArgumentList.Add(a);
        psi.WorkingDirectory = RepositoryRoot;
        return psi;
    }

    public sealed record Result(int ExitCode, string Output);

    public static Task<Result> RunAsync(string dll, IDictionary<string, string?> env, TimeSpan timeout, params string[] args) =>
        RunWithInputAsync(dll, env, timeout, null, args);

    public static async Task<Result> RunWithInputAsync(string dll, IDictionary<string, string?> env, TimeSpan timeout, string? stdin, params string[] args)
    {
        using var p = Process.Start(StartInfo(dll, env, args))!;
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s");
        }
        output.Append(await stdout).Append(await stderr);
        return new Result(p.ExitCode, output.ToString());
    }
}
