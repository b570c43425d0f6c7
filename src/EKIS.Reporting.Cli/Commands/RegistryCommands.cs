using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Files;

namespace EKIS.Reporting.Cli.Commands;

/// <summary><c>ekis registry import &lt;file&gt; [--dry-run] [--json]</c> and <c>ekis registry export &lt;file.xlsx&gt;</c>.</summary>
public static class RegistryCommands
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static Command Create(CliContext cli)
    {
        var registry = new Command("registry", "Реестр образовательных организаций");

        var import = new Command("import", "Загрузить организации из CSV (;) или XLSX; без --dry-run применяет всё или ничего");
        var file = new Argument<FileInfo>("file") { Description = "Файл CSV или XLSX" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Только проверить и перечислить ошибки, ничего не записывая" };
        var json = new Option<bool>("--json") { Description = "Вывести один объект JSON {\"problems\":[…]}" };
        import.Add(file);
        import.Add(dryRun);
        import.Add(json);
        import.SetAction((parse, ct) => CliContext.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            var asJson = parse.GetValue(json);
            byte[] bytes;
            try
            {
                if (path.Exists && path.Length > RegistryFileLimit)
                    return Unusable($"Файл слишком большой: допускается не более {RegistryFileLimit / (1024 * 1024)} МБ.", asJson);
                bytes = await File.ReadAllBytesAsync(path.FullName, ct);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Unusable($"Не удалось прочитать файл «{path.Name}»: {ex.Message}", asJson);
            }

            await using var db = await cli.OpenDatabaseAsync(ct);
            var slice = new ImportRegistry(db, ZipLimits.From(cli.Configuration));
            var result = parse.GetValue(dryRun)
                ? await slice.DryRunAsync(bytes, path.Name, ct)
                : await slice.ApplyAsync(bytes, path.Name, Actor.Cli, ct);
            if (result.Unusable is not null) return Unusable(result.Unusable, asJson);

            if (asJson)
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    problems = result.Problems.Select(p => new { row = p.Row, column = p.Column, message = p.Message }),
                }, Json));
            else if (result.Problems.Count > 0)
            {
                foreach (var p in result.Problems)
                    Console.Out.WriteLine($"строка {p.Row?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—"}, {p.Column ?? "—"}: {p.Message}");
                Console.Out.WriteLine($"Найдено ошибок: {result.Problems.Count}. Ничего не записано.");
            }
            else if (result.Applied)
                Console.Out.WriteLine($"Загружено: строк {result.Rows}, создано {result.Created}, изменено {result.Updated}, без изменений {result.Unchanged}.");
            else
                Console.Out.WriteLine($"Ошибок нет: строк {result.Rows}, будет создано {result.Created}, обновлено {result.Updated}. Ничего не записано (--dry-run).");
            return result.Problems.Count > 0 ? CliContext.Findings : CliContext.Ok;
        }));

        var export = new Command("export", "Выгрузить реестр в XLSX с теми же столбцами, что и при загрузке");
        var target = new Argument<FileInfo>("file") { Description = "Файл .xlsx" };
        export.Add(target);
        export.SetAction((parse, ct) => CliContext.RunAsync(async () =>
        {
            var path = parse.GetValue(target)!;
            await using var db = await cli.OpenDatabaseAsync(ct);
            var temp = path.FullName + ".tmp";
            int count;
            try
            {
                await using (var stream = File.Create(temp))
                    count = await new ExportRegistry(db).WriteAsync(stream, ct);
                File.Move(temp, path.FullName, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                File.Delete(temp);
                Console.Error.WriteLine($"Не удалось записать «{path.Name}»: {ex.Message}");
                return CliContext.Unusable;
            }
            Console.Out.WriteLine($"Выгружено организаций и филиалов: {count} → {path.Name}");
            return CliContext.Ok;
        }));

        registry.Add(import);
        registry.Add(export);
        return registry;
    }

    private const long RegistryFileLimit = 20 * 1024 * 1024;

    private static int Unusable(string message, bool asJson)
    {
        if (asJson)
            Console.Out.WriteLine(JsonSerializer.Serialize(new { problems = new[] { new { row = (int?)null, column = (string?)null, message } } }, Json));
        else
            Console.Error.WriteLine(message);
        return CliContext.Unusable;
    }
}
