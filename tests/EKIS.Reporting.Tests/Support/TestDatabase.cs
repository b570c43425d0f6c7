using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// The run's PostgreSQL: EKIS_TEST_DB (a server connection string) when set — never EKIS_DB, so
/// tests cannot touch a real database — else a throw-away embedded cluster in the system temp
/// folder. One fresh database is created from the migrations per run and dropped at the end.
/// Fixtures that start from the demo region work in a database of their own, cloned from a
/// template that holds the demo (<see cref="DemoTemplate"/>), and switch back to the run's
/// database when they end.
/// </summary>
public static class TestDatabase
{
    private static NpgsqlDataSource? _runDataSource;
    private static NpgsqlDataSource? _dataSource;
    private static string _runConnectionString = "";
    private static string _runDatabaseName = "";
    private static int _clones;

    public static string ServerConnectionString { get; private set; } = "";

    /// <summary>The database the current fixture works in: the run's, or the fixture's demo clone.</summary>
    public static string ConnectionString { get; private set; } = "";
    public static string DatabaseName { get; private set; } = "";
    public static EmbeddedPostgres? Embedded { get; private set; }
    public static bool StartedEmbeddedServer { get; private set; }

    /// <summary>A folder of this run for logs and keys of in-process and child hosts.</summary>
    public static string StateFolder { get; private set; } = "";

    public static NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The test database is not up.");

    /// <summary>
    /// One throw-away cluster per checkout (worktrees and clones run side by side without stopping
    /// each other's server), reused by the checkout's next run.
    /// </summary>
    public static string TestClusterFolder =>
        Path.Combine(Path.GetTempPath(), $"ekis-tests-{Environment.UserName}", CheckoutKey(), "postgres");

    private static string CheckoutKey() =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(BuiltPrograms.RepositoryRoot)))[..10].ToLowerInvariant();

    internal static async Task StartAsync()
    {
        StateFolder = Path.Combine(Path.GetTempPath(), $"ekis-tests-{Environment.UserName}", "runs", $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(StateFolder);

        var external = Environment.GetEnvironmentVariable("EKIS_TEST_DB");
        if (!string.IsNullOrWhiteSpace(external))
        {
            ServerConnectionString = external;
        }
        else
        {
            try
            {
                PostgresBinaries.Locate(Environment.GetEnvironmentVariable("EKIS_PG_BIN"));
            }
            catch (StartupException ex)
            {
                Prerequisites.IgnoreExceptOnCi(ex.Message);
            }
            Embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions
            {
                DataFolder = TestClusterFolder,
                BinFolder = Environment.GetEnvironmentVariable("EKIS_PG_BIN"),
                Durable = false,
            }, NullLogger<EmbeddedPostgres>.Instance);
            StartedEmbeddedServer = !(await Embedded.GetStatusAsync()).Running;
            ServerConnectionString = await Embedded.EnsureRunningAsync();
            RecordStartedCluster();
        }

        _runDatabaseName = $"ekis_test_{DateTime.UtcNow:MMddHHmmss}_{Environment.ProcessId}";
        await DatabaseBootstrap.EnsureDatabaseAsync(ServerConnectionString, _runDatabaseName, CancellationToken.None);
        _runConnectionString = ConnectionFor(_runDatabaseName);
        await new Migrator(_runConnectionString, NullLogger.Instance).MigrateAsync();
        _runDataSource = NpgsqlDataSource.Create(_runConnectionString);
        UseRunDatabase();
    }

    private static void UseRunDatabase()
    {
        DatabaseName = _runDatabaseName;
        ConnectionString = _runConnectionString;
        _dataSource = _runDataSource;
    }

    /// <summary>
    /// Gives the calling fixture a database of its own, cloned from the demo template (made on the
    /// first call of the run): every fixture starts from the same demo, and no fixture sees another
    /// one's changes. <see cref="ReleaseDemoCloneAsync"/> drops it and switches back.
    /// </summary>
    public static async Task UseDemoCloneAsync()
    {
        await DemoTemplate.EnsureAsync(_runDatabaseName + "_demo");
        var name = $"{_runDatabaseName}_f{Interlocked.Increment(ref _clones)}";
        await DemoTemplate.CloneAsync(name);
        DatabaseName = name;
        ConnectionString = ConnectionFor(name);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public static async Task ReleaseDemoCloneAsync()
    {
        if (ReferenceEquals(_dataSource, _runDataSource)) return;
        var clone = DatabaseName;
        if (_dataSource is not null) await _dataSource.DisposeAsync();
        UseRunDatabase();
        await DropDatabaseAsync(clone);
    }

    /// <summary>Puts the demo region back into the fixture's clone (a few milliseconds), so each test starts from it.</summary>
    public static Task RestoreDemoAsync() => DemoTemplate.RestoreAsync(DataSource);

    /// <summary>
    /// Tells <c>.ci/run</c> (through EKIS_TEST_CLUSTER_FILE) which cluster this run started, so that
    /// after a crashed run it stops exactly that one and never another checkout's server.
    /// </summary>
    private static void RecordStartedCluster()
    {
        var file = Environment.GetEnvironmentVariable("EKIS_TEST_CLUSTER_FILE");
        if (string.IsNullOrWhiteSpace(file) || !StartedEmbeddedServer) return;
        File.WriteAllText(file, Path.Combine(TestClusterFolder, "pgdata") + "\n");
    }

    internal static async Task StopAsync()
    {
        await ReleaseDemoCloneAsync();
        if (_runDataSource is not null) await _runDataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_runDatabaseName.Length > 0 && ServerConnectionString.Length > 0)
        {
            await DropDatabaseAsync(_runDatabaseName);
            await DemoTemplate.DropAsync();
        }
        if (Embedded is not null && StartedEmbeddedServer)
            await Embedded.StopAsync();
        // Logs of a passing run are of no further use; a failing run's output names what failed.
        try { Directory.Delete(StateFolder, recursive: true); }
        catch (IOException) { /* a child host may still hold a log file open; the temp folder is cleaned by the OS */ }
    }

    public static string ConnectionFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    /// <summary>A new, empty database on the run's server (for migration tests); drop it with <see cref="DropDatabaseAsync"/>.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string purpose)
    {
        var name = $"ekis_{purpose}_{Guid.NewGuid():N}"[..40];
        await DatabaseBootstrap.EnsureDatabaseAsync(ServerConnectionString, name, CancellationToken.None);
        return name;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var quote = new NpgsqlCommand("SELECT quote_ident($1)", conn);
        quote.Parameters.Add(new NpgsqlParameter { Value = name });
        var quoted = (string)(await quote.ExecuteScalarAsync())!;
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", conn);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Empties every application table (schema ekis, except the migration journal) in one
    /// TRUNCATE ... RESTART IDENTITY CASCADE: a few milliseconds, so each test starts clean.
    /// Hangfire's schema is left alone; job tests use their own unique tokens.
    /// </summary>
    public static async Task ResetAsync()
    {
        await using var conn = await DataSource.OpenConnectionAsync();
        await using var list = new NpgsqlCommand("""
            SELECT string_agg(format('%I.%I', schemaname, tablename), ', ')
            FROM pg_tables WHERE schemaname = 'ekis' AND tablename <> 'schema_versions'
            """, conn);
        var tables = await list.ExecuteScalarAsync() as string;
        if (string.IsNullOrEmpty(tables)) return;
        await using var truncate = new NpgsqlCommand($"TRUNCATE {tables} RESTART IDENTITY CASCADE", conn);
        await truncate.ExecuteNonQueryAsync();
    }
}
