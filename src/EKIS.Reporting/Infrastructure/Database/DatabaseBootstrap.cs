using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Infrastructure.Database;

/// <summary>
/// What every host (web, worker, CLI) does before it serves: find or start the database, make sure
/// the application database exists, apply migrations and, on a newly created embedded database,
/// load the demo data. Operator-fixable failures surface as <see cref="StartupException"/>.
/// </summary>
public static class DatabaseBootstrap
{
    public static async Task<PreparedDatabase> PrepareAsync(DatabaseSettings settings, ILoggerFactory loggers, bool migrate = true, CancellationToken ct = default)
    {
        var log = loggers.CreateLogger("EKIS.Reporting.Database");
        string cs;
        var created = false;
        if (settings.IsEmbedded)
        {
            settings = await ReachableEmbeddedSettingsAsync(settings, log, ct);
            var pg = new EmbeddedPostgres(Embedded(settings), loggers.CreateLogger<EmbeddedPostgres>());
            var server = await pg.EnsureRunningAsync(ct);
            created = await EnsureDatabaseAsync(server, settings.DatabaseName, ct);
            cs = new NpgsqlConnectionStringBuilder(server) { Database = settings.DatabaseName }.ConnectionString;
            log.LogInformation("Using the embedded PostgreSQL database {Database} at {Endpoint} (data: {DataFolder})",
                settings.DatabaseName, Describe(cs), pg.DataFolder);
        }
        else
        {
            cs = settings.ConnectionString!;
            await CheckConnectionAsync(cs, ct);
            log.LogInformation("Using the PostgreSQL database at {Endpoint}", Describe(cs));
        }

        MigrationResult? migrated = null;
        if (migrate)
        {
            migrated = await new Migrator(cs, log).MigrateAsync(ct);
            if (created && settings.SeedDemoOnCreate)
            {
                await using var db = NpgsqlDataSource.Create(cs);
                var seeded = await new SeedDemo(db).RunAsync(Actor.Startup, ct);
                log.LogInformation("Loaded the demo data into the new database: {Inserted} row(s)", seeded.Inserted);
                var campaigns = await new SeedDemoCampaigns(db, TimeProvider.System).RunAsync(Actor.Startup, ct);
                log.LogInformation("Opened {Campaigns} demo campaign(s) with {Reports} report(s)", campaigns.CampaignsOpened, campaigns.Reports);
            }
        }
        return new PreparedDatabase(cs, settings.IsEmbedded, created, migrated);
    }

    /// <summary>
    /// As root, the embedded server runs under an unprivileged account, which cannot enter a checkout
    /// in a private folder (a clone under /root or a mktemp folder). When the state folder is the
    /// default one, the cluster then lives in a folder of its own under /var/tmp, keyed by the
    /// checkout's path, so the quick start still works; a configured EKIS_DATA_DIR is never moved
    /// (EmbeddedPostgres then refuses it with a clear message).
    /// </summary>
    public static async Task<DatabaseSettings> ReachableEmbeddedSettingsAsync(DatabaseSettings settings, ILogger log, CancellationToken ct)
    {
        if (!Environment.IsPrivilegedProcess || settings.StateFolderConfigured) return settings;
        if (await EmbeddedPostgres.CanReachAsync(settings.ServiceAccount, settings.EmbeddedDataFolder, ct)) return settings;

        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(settings.StateFolder)))[..12].ToLowerInvariant();
        var fallback = Path.Combine("/var/tmp", $"ekis-{key}");
        Directory.CreateDirectory(fallback);
        log.LogWarning("The account {Account} cannot enter {StateFolder}; the embedded database lives in {Fallback} instead (set EKIS_DATA_DIR to choose)",
            settings.ServiceAccount, settings.StateFolder, fallback);
        return settings with { StateFolder = fallback, StateFolderConfigured = true };
    }

    public static EmbeddedPostgresOptions Embedded(DatabaseSettings settings) => new()
    {
        DataFolder = settings.EmbeddedDataFolder,
        BinFolder = settings.PgBinFolder,
        ServiceAccount = settings.ServiceAccount,
    };

    public static async Task<bool> DatabaseExistsAsync(string serverConnectionString, string database, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(serverConnectionString);
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.Add(new NpgsqlParameter { Value = database });
        return await exists.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Creates <paramref name="database"/> on the server if missing; true when it was created now.</summary>
    public static async Task<bool> EnsureDatabaseAsync(string serverConnectionString, string database, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(serverConnectionString);
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.Add(new NpgsqlParameter { Value = database });
        if (await exists.ExecuteScalarAsync(ct) is not null) return false;
        // Identifiers cannot be parameters; the name is quoted by the server's own quote_ident.
        await using var quote = new NpgsqlCommand("SELECT quote_ident($1)", conn);
        quote.Parameters.Add(new NpgsqlParameter { Value = database });
        var quoted = (string)(await quote.ExecuteScalarAsync(ct))!;
        try
        {
            await using var create = new NpgsqlCommand("CREATE DATABASE " + quoted, conn);
            await create.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            return false; // another process created it a moment ago
        }
    }

    /// <summary>Opens one connection to fail fast, with one clear line, on a wrong connection string.</summary>
    public static async Task CheckConnectionAsync(string cs, CancellationToken ct)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(cs);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new StartupException($"The database connection string (EKIS_DB or ConnectionStrings:Ekis) is malformed: {ex.Message}", ex);
        }

        var probe = new NpgsqlConnectionStringBuilder(parsed.ConnectionString) { Timeout = Math.Min(parsed.Timeout, 10), Pooling = false };
        try
        {
            await using var conn = new NpgsqlConnection(probe.ConnectionString);
            await conn.OpenAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or ArgumentException or InvalidOperationException)
        {
            var reason = ex is PostgresException pex ? $"{pex.SqlState}: {pex.MessageText}" : Innermost(ex).Message;
            throw new StartupException(
                $"Cannot connect to PostgreSQL at {Describe(cs)}: {reason}. Check EKIS_DB (or ConnectionStrings:Ekis), or unset both to use the embedded database.", ex);
        }
    }

    /// <summary>host:port/database, without credentials, for logs and messages.</summary>
    public static string Describe(string cs)
    {
        var b = new NpgsqlConnectionStringBuilder(cs);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }
}

public sealed record PreparedDatabase(string ConnectionString, bool Embedded, bool CreatedNow, MigrationResult? Migrations);
