using System.CommandLine;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;

namespace EKIS.Reporting.Cli.Commands;

/// <summary><c>ekis seed demo</c>: the demo region (idempotent).</summary>
public static class SeedCommands
{
    public static Command Create(CliContext cli)
    {
        var seed = new Command("seed", "Загрузка данных");
        var demo = new Command("demo", "Загрузить демонстрационный регион (повторный запуск ничего не дублирует)");
        demo.SetAction((_, ct) => CliContext.RunAsync(async () =>
        {
            await using var db = await cli.OpenDatabaseAsync(ct);
            var result = await new SeedDemo(db).RunAsync(Actor.Cli, ct);
            Console.Out.WriteLine(result.Inserted == 0
                ? "Демонстрационные данные уже загружены."
                : $"Загружено записей: {result.Inserted}.");
            return CliContext.Ok;
        }));
        seed.Add(demo);
        return seed;
    }
}
