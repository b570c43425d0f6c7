using System.CommandLine;
using System.Text.Json;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Cli.Commands;

/// <summary><c>ekis db start|stop|status|backup|restore</c> and <c>ekis migrate</c>.</summary>
public static class DbCommands
{
    public static Command Create(CliContext cli)
    {
        var db = new Command("db", "База данных: встроенный PostgreSQL (когда EKIS_DB не задана), резервные копии");

        var start = new Command("start", "Создать (при необходимости) и запустить встроенный сервер");
        start.SetAction((_, ct) => CliContext.RunAsync(async () =>
        {
            var pg = await EmbeddedAsync(cli, ct);
            var cs = await pg.EnsureRunningAsync(ct);
            Console.Out.WriteLine($"Встроенный PostgreSQL запущен: {DatabaseBootstrap.Describe(cs)} (данные: {pg.DataFolder})");
            return CliContext.Ok;
        }));

        var stop = new Command("stop", "Остановить встроенный сервер");
        stop.SetAction((_, ct) => CliContext.RunAsync(async () =>
        {
            var pg = await EmbeddedAsync(cli, ct);
            var stopped = await pg.StopAsync(ct);
            Console.Out.WriteLine(stopped ? "Встроенный PostgreSQL остановлен." : "Встроенный PostgreSQL не был запущен.");
            return CliContext.Ok;
        }));

        var status = new Command("status", "Состояние встроенного сервера");
        var json = new Option<bool>("--json") { Description = "Вывести один объект JSON" };
        status.Add(json);
        status.SetAction((parse, ct) => CliContext.RunAsync(async () =>
        {
            var s = await (await EmbeddedAsync(cli, ct)).GetStatusAsync(ct);
            if (parse.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new { dataFolder = s.DataFolder, initialized = s.Initialized, running = s.Running, port = s.Port, log = s.LogFile }));
            else
                Console.Out.WriteLine(!s.Initialized ? $"Не создан ({s.DataFolder})"
                    : s.Running ? $"Запущен на 127.0.0.1:{s.Port} (данные: {s.DataFolder}, журнал: {s.LogFile})"
                    : $"Остановлен (данные: {s.DataFolder}, порт {s.Port})");
            return s.Running ? CliContext.Ok : CliContext.Findings;
        }));

        var backup = new Command("backup", "Сохранить базу данных в файл (pg_dump, формат custom)");
        var backupFile = new Argument<FileInfo>("file") { Description = "Файл резервной копии" };
        backup.Add(backupFile);
        backup.SetAction((parse, ct) => CliContext.RunAsync(async () =>
        {
            var (cs, bins) = await BackupTargetAsync(cli, createDatabase: false, ct);
            try
            {
                var result = await new DatabaseBackup(bins, cli.Loggers.CreateLogger<DatabaseBackup>()).BackupAsync(cs, parse.GetValue(backupFile)!.FullName, ct);
                Console.Out.WriteLine($"Резервная копия базы {DatabaseBootstrap.Describe(cs)} записана: {result.File} ({Megabytes(result.Bytes)} МБ).");
                return CliContext.Ok;
            }
            catch (BackupException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return CliContext.Unusable;
            }
        }));

        var restore = new Command("restore", "Восстановить базу данных из резервной копии, заменив её содержимое");
        var restoreFile = new Argument<FileInfo>("file") { Description = "Файл, созданный «ekis db backup»" };
        var force = new Option<bool>("--force") { Description = "Заменить данные, если база не пуста (без флага непустая база не изменяется)" };
        restore.Add(restoreFile);
        restore.Add(force);
        restore.SetAction((parse, ct) => CliContext.RunAsync(async () =>
        {
            var file = parse.GetValue(restoreFile)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"Файл «{file.FullName}» не найден.");
                return CliContext.Unusable;
            }
            var (cs, bins) = await BackupTargetAsync(cli, createDatabase: true, ct);
            var where = DatabaseBootstrap.Describe(cs);
            if (!parse.GetValue(force) && await DatabaseBackup.HoldsDataAsync(cs, ct))
            {
                Console.Error.WriteLine($"База {where} не пуста: восстановление заменит все её данные данными из копии. " +
                    "Если это и нужно, остановите веб-приложение и обработчики заданий и повторите команду с --force.");
                return CliContext.Unusable;
            }
            try
            {
                await new DatabaseBackup(bins, cli.Loggers.CreateLogger<DatabaseBackup>()).RestoreAsync(cs, file.FullName, ct);
            }
            catch (BackupException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return CliContext.Unusable;
            }
            Console.Out.WriteLine($"База {where} восстановлена из {file.FullName}. Недостающие миграции применятся при следующем запуске.");
            return CliContext.Ok;
        }));

        db.Add(start);
        db.Add(stop);
        db.Add(status);
        db.Add(backup);
        db.Add(restore);
        return db;
    }

    /// <summary>
    /// The configured database and the client programs for it: EKIS_DB with pg_dump/pg_restore/psql found
    /// like the server programs (EKIS_PG_BIN, PATH, newest /usr/lib/postgresql/*/bin), or the embedded
    /// cluster — started if need be — with its own server's programs. A backup needs the database to exist;
    /// a restore into the embedded cluster creates it (empty, without the demo).
    /// </summary>
    private static async Task<(string ConnectionString, PostgresBinaries Bins)> BackupTargetAsync(CliContext cli, bool createDatabase, CancellationToken ct)
    {
        var settings = cli.Database;
        if (!settings.IsEmbedded)
        {
            await DatabaseBootstrap.CheckConnectionAsync(settings.ConnectionString!, ct);
            return (settings.ConnectionString!, PostgresBinaries.LocateClient(settings.PgBinFolder));
        }
        var pg = await EmbeddedAsync(cli, ct);
        var server = await pg.EnsureRunningAsync(ct);
        var name = settings.DatabaseName;
        if (createDatabase)
            await DatabaseBootstrap.EnsureDatabaseAsync(server, name, ct);
        else if (!await DatabaseBootstrap.DatabaseExistsAsync(server, name, ct))
            throw new StartupException($"The embedded cluster in {pg.DataFolder} has no database '{name}' yet: there is nothing to back up.");
        var serverBins = PostgresBinaries.Locate(settings.PgBinFolder);
        var bins = serverBins.HasClientPrograms ? serverBins : PostgresBinaries.LocateClient(settings.PgBinFolder);
        return (new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString, bins);
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", System.Globalization.CultureInfo.GetCultureInfo("ru-RU"));

    public static Command Migrate(CliContext cli)
    {
        var migrate = new Command("migrate", "Применить миграции схемы базы данных");
        migrate.SetAction((_, ct) => CliContext.RunAsync(async () =>
        {
            var prepared = await DatabaseBootstrap.PrepareAsync(cli.Database, cli.Loggers, migrate: true, ct);
            var applied = prepared.Migrations?.Applied ?? [];
            Console.Out.WriteLine(applied.Count == 0
                ? "Схема базы данных актуальна."
                : $"Применено миграций: {applied.Count} ({string.Join(", ", applied)}).");
            return CliContext.Ok;
        }));
        return migrate;
    }

    private static async Task<EmbeddedPostgres> EmbeddedAsync(CliContext cli, CancellationToken ct)
    {
        var settings = cli.Database;
        if (!settings.IsEmbedded)
            throw new StartupException("EKIS_DB (or ConnectionStrings:Ekis) is set: the 'db' verbs manage only the embedded database.");
        settings = await DatabaseBootstrap.ReachableEmbeddedSettingsAsync(settings, cli.Loggers.CreateLogger("EKIS.Reporting.Database"), ct);
        return new EmbeddedPostgres(DatabaseBootstrap.Embedded(settings), cli.Loggers.CreateLogger<EmbeddedPostgres>());
    }
}
