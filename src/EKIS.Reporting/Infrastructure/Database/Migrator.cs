using System.Reflection;
using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Infrastructure.Database;

/// <summary>
/// Applies the numbered SQL scripts of db/migrations (embedded in this assembly) with DbUp, one
/// transaction per script, under a PostgreSQL advisory lock so that hosts starting together never race.
/// Hangfire's own schema is installed under the same lock.
/// </summary>
public sealed class Migrator(string connectionString, ILogger logger)
{
    public const string Schema = "ekis";
    public const string JournalTable = "schema_versions";
    public const string HangfireSchema = "hangfire";
    private const string ResourcePrefix = "db.migrations.";
    // An arbitrary, fixed key: 'EKISMIGR' as ASCII.
    private const long AdvisoryLockKey = 0x454B49534D494752;

    private static readonly Assembly ScriptAssembly = typeof(Migrator).Assembly;

    public static IReadOnlyList<string> ScriptNames() =>
        ScriptAssembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

    public async Task<MigrationResult> MigrateAsync(CancellationToken ct = default)
    {
        await using var lockConn = new NpgsqlConnection(connectionString);
        await lockConn.OpenAsync(ct);
        await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_lock($1)", lockConn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = AdvisoryLockKey });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await using (var cmd = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {Schema}", lockConn))
                await cmd.ExecuteNonQueryAsync(ct);

            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString, Schema)
                .WithScriptsEmbeddedInAssembly(ScriptAssembly, n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                .JournalToPostgresqlTable(Schema, JournalTable)
                .WithTransactionPerScript()
                .LogTo(new DbUpLog(logger))
                .Build();

            var pending = upgrader.GetScriptsToExecute().Select(s => s.Name).ToList();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
                throw new StartupException($"Migration {result.ErrorScript?.Name ?? "?"} failed: {result.Error.Message}", result.Error);

            // Hangfire.PostgreSql installs and upgrades its schema itself; doing it here, under the
            // same lock, keeps two starting hosts from racing on it too.
            Hangfire.PostgreSql.PostgreSqlObjectsInstaller.Install(lockConn, HangfireSchema);

            if (pending.Count > 0)
                logger.LogInformation("Applied {Count} migration(s): {Scripts}", pending.Count, pending);
            return new MigrationResult(pending);
        }
        finally
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", lockConn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = AdvisoryLockKey });
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Scripts embedded in this build that the database has not recorded as applied.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT to_regclass($1) IS NOT NULL", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = $"{Schema}.{JournalTable}" });
        var exists = (bool)(await cmd.ExecuteScalarAsync(ct))!;
        var applied = new HashSet<string>(StringComparer.Ordinal);
        if (exists)
        {
            await using var q = new NpgsqlCommand("SELECT scriptname FROM ekis.schema_versions", conn);
            await using var r = await q.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) applied.Add(r.GetString(0));
        }
        return ScriptNames().Where(n => !applied.Contains(n)).ToList();
    }

    private sealed class DbUpLog(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) =>
            logger.LogDebug("DbUp: {Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogWarning(string format, params object[] args) =>
            logger.LogWarning("DbUp: {Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(string format, params object[] args) =>
            logger.LogError("DbUp: {Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(Exception ex, string format, params object[] args) =>
            logger.LogError("DbUp: {Message}: {Error}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args), ex.Message);
    }
}

public sealed record MigrationResult(IReadOnlyList<string> Applied);
