using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Infrastructure.Database;

/// <summary>
/// A private PostgreSQL cluster under a data folder, created with the machine's server programs,
/// listening only on 127.0.0.1 on a port of its own, and left running for the next process.
/// Layout of the data folder:
/// <code>
///   pgdata/        the cluster (owned by the server account, mode 0700)
///   log/server.log the server's own log (the server is detached and never writes to our output)
///   port           the TCP port chosen at creation
///   password       the superuser password (mode 0600)
///   .lock          held while a process creates or starts the cluster
/// </code>
/// </summary>
public sealed class EmbeddedPostgres(EmbeddedPostgresOptions options, ILogger logger)
{
    public const string SuperUser = "ekis";

    public string DataFolder { get; } = Path.GetFullPath(options.DataFolder);
    private string PgData => Path.Combine(DataFolder, "pgdata");
    private string LogFolder => Path.Combine(DataFolder, "log");
    public string LogFile => Path.Combine(LogFolder, "server.log");
    private string PortFile => Path.Combine(DataFolder, "port");
    private string PasswordFile => Path.Combine(DataFolder, "password");
    private string LockFile => Path.Combine(DataFolder, ".lock");

    public bool IsInitialized => File.Exists(Path.Combine(PgData, "PG_VERSION")) && File.Exists(PortFile) && File.Exists(PasswordFile);

    /// <summary>Creates the cluster if needed, starts it if not running; returns a connection string to its 'postgres' database.</summary>
    public async Task<string> EnsureRunningAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(DataFolder);
        using var _ = await AcquireLockAsync(ct);

        var bins = PostgresBinaries.Locate(options.BinFolder);
        var account = RunAsAccount();
        if (account is not null)
            await CheckAccountCanReachAsync(account, ct);

        if (!IsInitialized)
            await InitializeAsync(bins, account, ct);

        if (!await IsRunningAsync(bins, account, ct))
            await StartAsync(bins, account, ct);

        return ServerConnectionString();
    }

    public async Task<bool> StopAsync(CancellationToken ct = default)
    {
        if (!IsInitialized) return false;
        Directory.CreateDirectory(DataFolder);
        using var _ = await AcquireLockAsync(ct);
        var bins = PostgresBinaries.Locate(options.BinFolder);
        var account = RunAsAccount();
        if (!await IsRunningAsync(bins, account, ct)) return false;
        var r = await RunAsync(bins.PgCtl, ["stop", "-D", PgData, "-m", "fast", "-w", "-t", "60"], account, ct);
        if (r.ExitCode != 0)
            throw new StartupException($"Could not stop the embedded PostgreSQL server in {PgData}: {r.Output.Trim()}");
        logger.LogInformation("Stopped the embedded PostgreSQL server in {DataFolder}", DataFolder);
        return true;
    }

    public async Task<EmbeddedPostgresStatus> GetStatusAsync(CancellationToken ct = default)
    {
        if (!IsInitialized) return new EmbeddedPostgresStatus(DataFolder, false, false, null, LogFile);
        var bins = PostgresBinaries.Locate(options.BinFolder);
        var running = await IsRunningAsync(bins, RunAsAccount(), ct);
        return new EmbeddedPostgresStatus(DataFolder, true, running, ReadPort(), LogFile);
    }

    public string ServerConnectionString() => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = ReadPort(),
        Username = SuperUser,
        Password = File.ReadAllText(PasswordFile).Trim(),
        Database = "postgres",
    }.ConnectionString;

    private int ReadPort() => int.Parse(File.ReadAllText(PortFile).Trim(), CultureInfo.InvariantCulture);

    // A file lock (flock under the hood) so that a web app and a worker starting at the same moment
    // do not both run initdb or pg_ctl start. It is released when the process dies, whatever happens.
    private async Task<IDisposable> AcquireLockAsync(CancellationToken ct)
    {
        // Elapsed time on the monotonic clock: a wait, not a date (a clock change cannot stretch it).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < options.LockTimeout)
            {
                await Task.Delay(200, ct);
            }
            catch (IOException ex)
            {
                throw new StartupException($"Another process has held the embedded database lock {LockFile} for over {options.LockTimeout.TotalSeconds:0} s.", ex);
            }
        }
    }

    private string? RunAsAccount() => Environment.IsPrivilegedProcess ? options.ServiceAccount : null;

    private async Task CheckAccountCanReachAsync(string account, CancellationToken ct)
    {
        var id = await RunRawAsync("id", ["-u", account], null, ct);
        if (id.ExitCode != 0)
            throw new StartupException(
                $"This process runs as root, and PostgreSQL refuses to run as root, but the account '{account}' that should run it does not exist. " +
                "Install the 'postgresql' package (it creates that account), set EKIS_PG_ACCOUNT to another unprivileged account, or point EKIS_DB at an existing server.");

        if (!await CanReachAsync(account, DataFolder, ct))
            throw new StartupException(
                $"The account '{account}' that runs the embedded PostgreSQL server cannot reach the data folder {DataFolder} " +
                "(a parent folder is not readable or traversable by it). Choose a folder it can reach with EKIS_DATA_DIR " +
                "(e.g. under /var/tmp), open the parent folders to it, or point EKIS_DB at an existing server.");
    }

    /// <summary>Whether <paramref name="account"/> can traverse every folder down to <paramref name="folder"/>.</summary>
    public static async Task<bool> CanReachAsync(string account, string folder, CancellationToken ct = default)
    {
        // The folder may not exist yet: what matters is its nearest existing ancestor.
        var existing = new DirectoryInfo(folder);
        while (existing is { Exists: false } && existing.Parent is not null) existing = existing.Parent;
        var probe = await RunRawAsync("runuser", ["-u", account, "--", "test", "-x", existing!.FullName], null, ct);
        return probe.ExitCode == 0;
    }

    private async Task InitializeAsync(PostgresBinaries bins, string? account, CancellationToken ct)
    {
        logger.LogInformation("Creating the embedded PostgreSQL cluster in {DataFolder} with {BinFolder}", DataFolder, bins.BinFolder);

        // A half-made cluster (interrupted initdb) is removed and made again: nothing of value can be in it.
        if (Directory.Exists(PgData)) Directory.Delete(PgData, recursive: true);
        Directory.CreateDirectory(PgData);
        Directory.CreateDirectory(LogFolder);

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var pwFile = Path.Combine(DataFolder, ".initdb-password");
        await File.WriteAllTextAsync(pwFile, password, ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(pwFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            if (account is not null)
            {
                await ChownAsync(account, ct, PgData, LogFolder, pwFile);
            }

            string[] common = ["-D", PgData, "-U", SuperUser, $"--pwfile={pwFile}", "-E", "UTF8",
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256"];
            // Russian collation (ICU) so that names sort as a Russian reader expects; falls back to
            // the C.UTF-8 locale where the server was built without ICU.
            var r = await RunAsync(bins.InitDb, [.. common, "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=ru-RU"], account, ct);
            if (r.ExitCode != 0)
            {
                logger.LogWarning("initdb with ICU collation failed ({Output}); retrying with the C.UTF-8 locale", r.Output.Trim());
                Directory.Delete(PgData, true);
                Directory.CreateDirectory(PgData);
                if (account is not null) await ChownAsync(account, ct, PgData);
                r = await RunAsync(bins.InitDb, [.. common, "--locale=C.UTF-8"], account, ct);
            }
            if (r.ExitCode != 0)
                throw new StartupException($"initdb failed for {PgData}: {LastLines(r.Output)}");
        }
        finally
        {
            File.Delete(pwFile);
        }

        var conf = new List<string>
        {
            "",
            "# EKIS.Reporting embedded cluster: loopback TCP only, no Unix socket.",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 200",
            "shared_buffers = '256MB'",
            "work_mem = '16MB'",
            "maintenance_work_mem = '256MB'",
            "timezone = 'Europe/Moscow'",
            "log_timezone = 'Europe/Moscow'",
        };
        if (!options.Durable)
            conf.AddRange(["# Throw-away cluster (tests): durability traded for speed.", "fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
        await File.AppendAllLinesAsync(Path.Combine(PgData, "postgresql.conf"), conf, ct);

        await File.WriteAllTextAsync(PasswordFile, password, ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // The port file is written last: its presence marks a finished cluster.
        await File.WriteAllTextAsync(PortFile, FreeLoopbackPort().ToString(CultureInfo.InvariantCulture), ct);
    }

    private async Task<bool> IsRunningAsync(PostgresBinaries bins, string? account, CancellationToken ct)
    {
        var r = await RunAsync(bins.PgCtl, ["status", "-D", PgData], account, ct);
        return r.ExitCode == 0;
    }

    private async Task StartAsync(PostgresBinaries bins, string? account, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = ReadPort();
            logger.LogInformation("Starting the embedded PostgreSQL server on 127.0.0.1:{Port} (log: {LogFile})", port, LogFile);
            // pg_ctl detaches the server into its own session with its output in the log file,
            // so the server never holds this terminal (or CI's output) open.
            var r = await RunAsync(bins.PgCtl, ["start", "-D", PgData, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {port}"], account, ct);
            if (r.ExitCode == 0) return;

            var log = File.Exists(LogFile) ? LastLines(await File.ReadAllTextAsync(LogFile, ct)) : "";
            if (attempt < 3 && !IsPortFree(port))
            {
                var newPort = FreeLoopbackPort();
                logger.LogWarning("Port {Port} is taken by another program; the embedded server moves to {NewPort}", port, newPort);
                await File.WriteAllTextAsync(PortFile, newPort.ToString(CultureInfo.InvariantCulture), ct);
                continue;
            }
            throw new StartupException($"The embedded PostgreSQL server in {PgData} did not start: {LastLines(r.Output)} {log}".Trim());
        }
    }

    private static int FreeLoopbackPort()
    {
        // The port is chosen once, at creation, and recorded; 5432 is left to any system cluster.
        for (var i = 0; i < 50; i++)
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            if (port != 5432) return port;
        }
        throw new StartupException("No free TCP port on 127.0.0.1 for the embedded PostgreSQL server.");
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task ChownAsync(string account, CancellationToken ct, params string[] paths)
    {
        var r = await RunRawAsync("chown", ["-R", account, .. paths], null, ct);
        if (r.ExitCode != 0)
            throw new StartupException($"Could not give the account '{account}' the embedded database folders: {r.Output.Trim()}");
    }

    private Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> args, string? account, CancellationToken ct) =>
        account is null
            ? RunRawAsync(program, args, DataFolder, ct)
            : RunRawAsync("runuser", ["-u", account, "--", program, .. args], DataFolder, ct);

    private static async Task<ProcessResult> RunRawAsync(string program, IReadOnlyList<string> args, string? workingFolder, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The server account may not be able to enter our working folder.
            WorkingDirectory = workingFolder ?? "/",
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C.UTF-8";
        try
        {
            using var p = Process.Start(psi) ?? throw new StartupException($"Could not start {program}.");
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            return new ProcessResult(p.ExitCode, (await stdout) + (await stderr));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new StartupException($"Could not run {program}: {ex.Message}", ex);
        }
    }

    private static string LastLines(string text, int count = 5) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(count));

    private sealed record ProcessResult(int ExitCode, string Output);
}

public sealed record EmbeddedPostgresStatus(string DataFolder, bool Initialized, bool Running, int? Port, string LogFile);
