using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Cli.Commands;

/// <summary><c>ekis campaign list [--json]</c> and <c>ekis campaign load-template &lt;file&gt; [--json]</c>.</summary>
public static class CampaignCommands
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>The CLI acts for the whole installation, like an administrator.</summary>
    private static readonly AccessScope Everything = new(0, "cli", 0, Roles.Admin, null, null);

    public static Command Create(CliContext cli)
    {
        var campaign = new Command("campaign", "Отчётные кампании");

        var list = new Command("list", "Кампании: форма, период, статус, ожидается / начато / отправлено / возвращено / принято");
        var json = new Option<bool>("--json") { Description = "Вывести один объект JSON {\"campaigns\":[…]}" };
        list.Add(json);
        list.SetAction((parse, ct) => CliContext.RunAsync(async () =>
        {
            await using var db = await cli.OpenDatabaseAsync(ct);
            var rows = await new CampaignList(db).ListAsync(Everything, ct);
            if (parse.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new { campaigns = rows }, Json));
            else
            {
                foreach (var r in rows)
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Id}\t{r.TemplateCode} {r.TemplateVersion}\t{r.Form}\t{r.Year}/{r.Period}\tдо {r.DueDate:yyyy-MM-dd}\t{r.Status}\tожидается {r.Expected}, начато {r.Started}, отправлено {r.Submitted}, возвращено {r.Returned}, принято МО {r.AcceptedByMunicipality}, принято регионом {r.AcceptedByRegion}"));
                if (rows.Count == 0) Console.Error.WriteLine("Кампаний нет.");
            }
            return CliContext.Ok;
        }));

        var load = new Command("load-template", "Загрузить шаблон формы (metaForm XML) в реестр версий шаблонов");
        var file = new Argument<FileInfo>("file") { Description = "Файл шаблона из templates/forms" };
        var loadJson = new Option<bool>("--json") { Description = "Вывести один объект JSON" };
        load.Add(file);
        load.Add(loadJson);
        load.SetAction((parse, ct) => CliContext.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            string xml;
            try
            {
                SafeXml.LoadFile(path.FullName, "Шаблон"); // size, DTD and well-formedness checks before anything is stored
                xml = await File.ReadAllTextAsync(path.FullName, ct);
            }
            catch (Exception ex) when (ex is XmlInputException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine(ex.Message);
                return CliContext.Unusable;
            }
            await using var db = await cli.OpenDatabaseAsync(ct);
            TemplateVersions.Loaded loaded;
            try
            {
                loaded = await new TemplateVersions(db).LoadAsync(Actor.Cli, path.Name, xml, ct);
            }
            catch (Exception ex) when (ex is InvalidOperationException or XmlInputException)
            {
                Console.Error.WriteLine(ex.Message);
                return CliContext.Unusable;
            }
            if (parse.GetValue(loadJson))
                Console.Out.WriteLine(JsonSerializer.Serialize(loaded, Json));
            else
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(loaded.Created ? "Загружен" : "Уже загружен")} шаблон {loaded.Code} версии {loaded.Version} (id {loaded.Id}): {loaded.Title}"));
            return CliContext.Ok;
        }));

        campaign.Add(list);
        campaign.Add(load);
        return campaign;
    }
}
