using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using EKIS.Reporting.Templates;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Cli.Commands;

/// <summary>
/// <c>ekis report check --template &lt;t.xml|folder&gt; --report &lt;r.xml&gt; [--previous &lt;r0.xml&gt;] [--json]</c>:
/// exit 0 when the report has no errors (warnings allowed), 1 when it has errors, 2 when an input
/// cannot be read or the report's template version is unknown.
/// </summary>
public static class ReportCommands
{
    public static Command Create()
    {
        var template = new Option<string>("--template") { Description = "Файл шаблона или папка с шаблонами", Required = true };
        var report = new Option<string>("--report") { Description = "Файл отчёта (report XML)", Required = true };
        var previous = new Option<string?>("--previous") { Description = "Отчёт за предыдущий период (для контролей с {{…}})" };
        var json = new Option<bool>("--json") { Description = "Вывести результат одним JSON-объектом" };
        var check = new Command("check", "Проверить отчёт: атрибуты, титул, формат ячеек и контрольные соотношения");
        check.Options.Add(template);
        check.Options.Add(report);
        check.Options.Add(previous);
        check.Options.Add(json);
        check.SetAction(parseResult => Check(
            parseResult.GetValue(template)!, parseResult.GetValue(report)!, parseResult.GetValue(previous), parseResult.GetValue(json), Console.Out));

        var command = new Command("report", "Отчёты в формате Росстата");
        command.Subcommands.Add(check);
        return command;
    }

    public static int Check(string templatePath, string reportPath, string? previousPath, bool json, TextWriter output)
    {
        FormTemplate template;
        Report report;
        Report? previous = null;
        try
        {
            report = ReportXml.LoadFile(reportPath);
            if (Directory.Exists(templatePath))
            {
                var catalog = TemplateCatalog.LoadFolder(templatePath);
                template = catalog.Find(report.Header.Code, report.Header.Version)
                    ?? throw new UnusableInputException(FindingKind.Template,
                        $"Неизвестная версия шаблона: в папке «{templatePath}» нет шаблона {report.Header.Code} версии «{report.Header.Version}».");
            }
            else
            {
                template = TemplateXml.LoadFile(templatePath);
                if (!ReportChecker.MatchesTemplate(report, template))
                    throw new UnusableInputException(FindingKind.Template,
                        $"Неизвестная версия шаблона: отчёт составлен по шаблону {report.Header.Code} версии «{report.Header.Version}», а передан шаблон {template.Code} версии «{template.Version}».");
            }
            if (previousPath is not null)
            {
                previous = ReportXml.LoadFile(previousPath);
                if (previous.Header.Code != template.Code)
                    throw new UnusableInputException(FindingKind.Template,
                        $"Отчёт за предыдущий период относится к другой форме ({previous.Header.Code}), а не к {template.Code}.");
            }
        }
        catch (XmlInputException ex)
        {
            return Unusable(new UnusableInputException(ex.Message.StartsWith("Шаблон", StringComparison.Ordinal) ? FindingKind.Template : FindingKind.Format, ex.Message), json, output);
        }
        catch (UnusableInputException ex)
        {
            return Unusable(ex, json, output);
        }

        var result = ReportChecker.Check(template, report, previous);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new JsonResult(
                result.Errors.Select(ToJson).ToArray(), result.Warnings.Select(ToJson).ToArray(), result.NotChecked.Select(ToJson).ToArray()), JsonOptions));
        }
        else
        {
            foreach (var f in result.All)
                output.WriteLine($"{Label(f.Severity)}: {f.Message}");
            output.WriteLine(
                $"Итог: ошибок {result.Errors.Count}, предупреждений {result.Warnings.Count}, не проверено контролей {result.NotChecked.Count}.");
        }
        return result.HasErrors ? ExitCodes.Findings : ExitCodes.Clean;
    }

    private static string Label(FindingSeverity s) => s switch
    {
        FindingSeverity.Error => "ОШИБКА",
        FindingSeverity.Warning => "ПРЕДУПРЕЖДЕНИЕ",
        _ => "НЕ ПРОВЕРЕНО",
    };

    private static int Unusable(UnusableInputException ex, bool json, TextWriter output)
    {
        if (json)
        {
            var finding = new JsonFinding(Kind(ex.Kind), "input", null, null, null, null, null, null, null, ex.Message);
            output.WriteLine(JsonSerializer.Serialize(new JsonResult([finding], [], []), JsonOptions));
        }
        else
        {
            output.WriteLine(ex.Message);
        }
        return ExitCodes.UnusableInput;
    }

    private sealed class UnusableInputException(FindingKind kind, string message) : Exception(message)
    {
        public FindingKind Kind { get; } = kind;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Russian messages stay readable; the output is a CLI's, not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string Kind(FindingKind k) => k.ToString().ToLowerInvariant();

    private static JsonFinding ToJson(Finding f) => new(
        Kind(f.Kind), f.Code, f.Section, f.Row, f.Column,
        f.Cells.Count > 0 ? f.Cells.Select(c => new JsonCell(c.Section, c.Row, c.Column, c.S1, c.S2, c.S3)).ToArray() : null,
        f.Left, f.Right, f.Difference, f.Message);

    private sealed record JsonResult(
        IReadOnlyList<JsonFinding> Errors, IReadOnlyList<JsonFinding> Warnings, [property: JsonPropertyName("notChecked")] IReadOnlyList<JsonFinding> NotChecked);

    private sealed record JsonFinding(
        string Kind, string Code, string? Section, string? Row, string? Column, IReadOnlyList<JsonCell>? Cells,
        decimal? Left, decimal? Right, decimal? Difference, string Message);

    private sealed record JsonCell(string Section, string Row, string Column, string? S1, string? S2, string? S3);
}
