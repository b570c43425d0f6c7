using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Infrastructure.Database;

/// <summary>A backup or restore that could not be done; the message is Russian and says why.</summary>
public sealed class BackupException(string message) : Exception(message);

/// <summary>
/// Backs up the application's database with pg_dump (the custom format: compressed, restorable
/// object by object, readable by any newer pg_restore) and restores such a file into the configured
/// database. A restore replaces the application's schemas (<c>ekis</c>, <c>hangfire</c>) in one
/// transaction: the old contents are dropped and the backup loaded by psql with <c>ON_ERROR_STOP</c>,
/// so a restore that fails half-way leaves the database as it was. Objects are
/// restored without their owner and privileges: the backup of one server can be restored on another,
/// as whichever user the connection string names.
/// </summary>
public sealed class DatabaseBackup(PostgresBinaries bins, ILogger logger)
{
    /// <summary>The schemas a restore replaces: the application's and the job storage's.</summary>
    private static readonly string[] ReplacedSchemas = [Migrator.Schema, Migrator.HangfireSchema];

    /// <summary>The first bytes of a pg_dump custom-format archive.</summary>
    private static readonly byte[] ArchiveMagic = "PGDMP"u8.ToArray();

    public sealed record Backup(string File, long Bytes);

    /// <summary>Writes the database to <paramref name="file"/> (through a temporary file, so a failed dump never leaves half a backup).</summary>
    public async Task<Backup> BackupAsync(string connectionString, string file, CancellationToken ct = default)
    {
        var target = Path.GetFullPath(file);
        if (Path.GetDirectoryName(target) is { } folder && !Directory.Exists(folder))
            throw new BackupException($"Папка «{folder}» не существует: укажите файл в существующей папке.");
        var temp = target + ".part";
        logger.LogInformation("Backing up {Database} into {File} with {PgDump}", DatabaseBootstrap.Describe(connectionString), target, bins.PgDump);
        try
        {
            var dump = await RunAsync(bins.PgDump, ["--format=custom", "--no-password", $"--file={temp}"], connectionString, null, ct);
            if (dump.ExitCode != 0)
                throw new BackupException($"pg_dump не смог сохранить базу {DatabaseBootstrap.Describe(connectionString)}: {LastLines(dump.Errors)}");
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupException($"Не удалось записать «{target}»: {ex.Message}");
        }
        finally
        {
            File.Delete(temp);
        }
        var bytes = new FileInfo(target).Length;
        logger.LogInformation("Backup of {Database} written: {File}, {Bytes} bytes", DatabaseBootstrap.Describe(connectionString), target, bytes);
        return new Backup(target, bytes);
    }

    /// <summary>
    /// Whether the database holds application data (a row in any table of schema <c>ekis</c> besides the
    /// migration journal): what a restore would destroy. A migrated but empty database holds none.
    /// </summary>
    public static async Task<bool> HoldsDataAsync(string connectionString, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = $1 AND tablename <> $2", conn))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = Migrator.Schema });
            list.Parameters.Add(new NpgsqlParameter { Value = Migrator.JournalTable });
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            // Names come from pg_tables, quoted by format('%I'); identifiers cannot be parameters.
            await using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table})", conn);
            if ((bool)(await any.ExecuteScalarAsync(ct))!) return true;
        }
        return false;
    }

    /// <summary>
    /// Replaces the application's schemas in the database with those of <paramref name="file"/>. The
    /// caller decides whether existing data may be replaced (<see cref="HoldsDataAsync"/>).
    /// </summary>
    public async Task RestoreAsync(string connectionString, string file, CancellationToken ct = default)
    {
        var source = Path.GetFullPath(file);
        await CheckArchiveAsync(source, ct);
        var where = DatabaseBootstrap.Describe(connectionString);
        logger.LogInformation("Restoring {File} into {Database} with {PgRestore} and {Psql}", source, where, bins.PgRestore, bins.Psql);

        // pg_restore turns the archive into SQL (it does not connect); psql runs it after the drops, in one
        // transaction that is committed only once pg_restore has written the whole archive: a pg_restore that
        // fails half-way leaves psql at the end of its input with the transaction open, and the server rolls
        // it back. lock_timeout: a running web app or worker holds locks on these schemas, and the restore
        // should fail with a message rather than wait for them for ever.
        var prologue = new StringBuilder("BEGIN;\nSET lock_timeout = '30s';\n");
        foreach (var schema in ReplacedSchemas)
            prologue.Append("DROP SCHEMA IF EXISTS ").Append(schema).Append(" CASCADE;\n");

        using var restore = Start(bins.PgRestore, ["--no-owner", "--no-privileges", "--file=-", source], null);
        using var psql = Start(bins.Psql, ["--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"], connectionString);
        restore.StandardInput.Close();
        var restoreErrors = restore.StandardError.ReadToEndAsync(ct);
        var psqlErrors = psql.StandardError.ReadToEndAsync(ct);
        var psqlOutput = psql.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct); // command tags; nothing to keep
        var stopped = false;
        try
        {
            await using var input = psql.StandardInput.BaseStream;
            await input.WriteAsync(Encoding.UTF8.GetBytes(prologue.ToString()), ct);
            await restore.StandardOutput.BaseStream.CopyToAsync(input, ct);
            await restore.WaitForExitAsync(ct);
            if (restore.ExitCode == 0)
                await input.WriteAsync("COMMIT;\n"u8.ToArray(), ct);
        }
        catch (IOException)
        {
            // psql stopped reading (an error, with ON_ERROR_STOP): nothing reads pg_restore's output any more.
            if (!restore.HasExited)
            {
                restore.Kill();
                stopped = true;
            }
        }
        await Task.WhenAll(restore.WaitForExitAsync(ct), psql.WaitForExitAsync(ct), psqlOutput);
        // A damaged or cut archive also makes psql fail on the half line it got: pg_restore's reason comes first.
        if (restore.ExitCode != 0 && !stopped)
            throw new BackupException($"pg_restore не смог прочитать «{source}» (файл повреждён или обрезан), база {where} осталась прежней: {LastLines(await restoreErrors)}");
        if (psql.ExitCode != 0)
        {
            var errors = await psqlErrors;
            throw new BackupException($"Восстановление в базу {where} не выполнено, база осталась прежней: {LastLines(errors)}" +
                (errors.Contains("lock timeout", StringComparison.OrdinalIgnoreCase) ? ". Остановите веб-приложение и обработчики заданий и повторите." : ""));
        }

        // A dump carries no planner statistics; until autovacuum gathers them, every plan would be a guess.
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync(ct);
            await using var analyze = new NpgsqlCommand("ANALYZE", conn) { CommandTimeout = 0 };
            await analyze.ExecuteNonQueryAsync(ct);
        }
        logger.LogInformation("Restored {File} into {Database}", source, where);
    }

    /// <summary>Refuses a file that is not a pg_dump archive of an EKIS database before anything is dropped.</summary>
    private async Task CheckArchiveAsync(string file, CancellationToken ct)
    {
        var head = new byte[ArchiveMagic.Length];
        try
        {
            await using var stream = File.OpenRead(file);
            if (await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct) < head.Length || !head.AsSpan().SequenceEqual(ArchiveMagic))
                throw new BackupException($"Файл «{file}» не является резервной копией, созданной «ekis db backup» (pg_dump в формате custom).");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupException($"Не удалось прочитать «{file}»: {ex.Message}");
        }
        var list = await RunAsync(bins.PgRestore, ["--list", file], null, null, ct);
        if (list.ExitCode != 0)
            throw new BackupException($"Файл «{file}» не является резервной копией или повреждён: {LastLines(list.Errors)}");
        if (!list.Output.Split('\n').Any(l => l.Contains($"SCHEMA - {Migrator.Schema} ", StringComparison.Ordinal)))
            throw new BackupException($"Файл «{file}» — резервная копия PostgreSQL, но не базы ЕКИС.Отчётность (в ней нет схемы {Migrator.Schema}).");
    }

    private sealed record ProcessResult(int ExitCode, string Output, string Errors);

    private static async Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> args, string? connectionString, string? stdin, CancellationToken ct)
    {
        using var p = Start(program, args, connectionString);
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync(ct);
        var errors = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return new ProcessResult(p.ExitCode, await output, await errors);
    }

    /// <summary>
    /// Starts a PostgreSQL client program. The connection goes in libpq's environment variables, so the
    /// password never appears on a command line that other users of the machine can list.
    /// </summary>
    private static Process Start(string program, IReadOnlyList<string> args, string? connectionString)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_MESSAGES"] = "C";
        // Notices («drop cascades to …») would bury the one line that matters in an error.
        psi.Environment["PGOPTIONS"] = "-c client_min_messages=warning";
        if (connectionString is not null)
        {
            var cs = new NpgsqlConnectionStringBuilder(connectionString);
            psi.Environment["PGHOST"] = cs.Host;
            psi.Environment["PGPORT"] = cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            psi.Environment["PGDATABASE"] = cs.Database;
            psi.Environment["PGUSER"] = cs.Username;
            psi.Environment["PGPASSWORD"] = cs.Password;
            psi.Environment["PGAPPNAME"] = "ekis-backup";
            psi.Environment["PGCONNECT_TIMEOUT"] = Math.Max(2, cs.Timeout).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (cs.SslMode != SslMode.Prefer)
                psi.Environment["PGSSLMODE"] = cs.SslMode switch
                {
                    SslMode.Disable => "disable",
                    SslMode.Allow => "allow",
                    SslMode.Require => "require",
                    SslMode.VerifyCA => "verify-ca",
                    SslMode.VerifyFull => "verify-full",
                    _ => "prefer",
                };
        }
        try
        {
            return Process.Start(psi) ?? throw new BackupException($"Не удалось запустить {program}.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BackupException($"Не удалось запустить {program}: {ex.Message}");
        }
    }

    private static string LastLines(string text, int count = 5) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(count));
}
