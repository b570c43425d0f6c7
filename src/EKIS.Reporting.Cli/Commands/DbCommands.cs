using System.CommandLine;
using System.Text.Json;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Logging;

namespace EKIS.Reporting.Cli.Commands;

/// <summary><c>ekis db start|stop|status</c> and <c>ekis migrate</c>.</summary>
public static class DbCommands
{
    public static Command Create(CliContext cli)
    {
        var db = new Command("db", "Встроенная база данных PostgreSQL (когда EKIS_DB не задана)");

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

        db.Add(start);
        db.Add(stop);
        db.Add(status);
        return db;
    }

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
