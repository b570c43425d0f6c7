using System.CommandLine;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;

namespace EKIS.Reporting.Cli.Commands;

/// <summary><c>ekis seed demo</c>: the demo region and its demo campaigns (idempotent).</summary>
public static class SeedCommands
{
    public static Command Create(CliContext cli)
    {
        var seed = new Command("seed", "Загрузка данных");
        var demo = new Command("demo", "Загрузить демонстрационный регион и кампании ОО-1 и 85-К (повторный запуск ничего не дублирует)");
        demo.SetAction((_, ct) => CliContext.RunAsync(async () =>
        {
            await using var db = await cli.OpenDatabaseAsync(ct);
            var result = await new SeedDemo(db).RunAsync(Actor.Cli, ct);
            var campaigns = await new SeedDemoCampaigns(db, TimeProvider.System).RunAsync(Actor.Cli, ct);
            Console.Out.WriteLine(result.Inserted == 0 && campaigns.CampaignsOpened == 0
                ? "Демонстрационные данные уже загружены."
                : $"Загружено записей: {result.Inserted}; открыто демонстрационных кампаний: {campaigns.CampaignsOpened}, отчётов в них: {campaigns.Reports}.");
            return CliContext.Ok;
        }));
        seed.Add(demo);
        return seed;
    }
}
