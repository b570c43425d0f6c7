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
        // Not Required and arity 0..1: usage mistakes are reported by the verb (exit 2), not as parse errors (exit 1).
        var template = new Option<string?>("--template") { Description = "Файл шаблона или папка с шаблонами", Arity = ArgumentArity.ZeroOrOne };
        var report = new Option<string?>("--report") { Description = "Файл отчёта (report XML)", Arity = ArgumentArity.ZeroOrOne };
        var previous = new Option<string?>("--previous") { Description = "Отчёт за предыдущий период (для контролей с {{…}})", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Вывести результат одним JSON-объектом" };
        var check = new Command("check", "Проверить отчёт: атрибуты, титул, формат ячеек и контрольные соотношения") { TreatUnmatchedTokensAsErrors = false };
        check.Options.Add(template);
        check.Options.Add(report);
        check.Options.Add(previous);
        check.Options.Add(json);
        check.SetAction(parseResult =>
        {
            var asJson = parseResult.GetValue(json);
            var (t, r) = (parseResult.GetValue(template), parseResult.GetValue(report));
            var usage = VerbGuard.UsageProblem(parseResult,
                t is null ? "не указан --template (файл шаблона или папка)" : null,
                r is null ? "не указан --report (файл отчёта)" : null);
            if (usage is not null)
                return Unusable(new UnusableInputException(FindingKind.Format, usage), asJson, Console.Out);
            return Check(t!, r!, parseResult.GetValue(previous), asJson, Console.Out);
        });

        var command = new Command("report", "Отчёты в формате Росстата");
        command.Subcommands.Add(check);
        return command;
    }

    /// <param name="diagnostics">Where notes about skipped template files go (stderr by default, so --json stays one object).</param>
    public static int Check(string templatePath, string reportPath, string? previousPath, bool json, TextWriter output, TextWriter? diagnostics = null) =>
        VerbGuard.Run(
            () => CheckCore(templatePath, reportPath, previousPath, json, output, diagnostics ?? Console.Error),
            message => Unusable(new UnusableInputException(FindingKind.Format, message), json, output));

    private static int CheckCore(string templatePath, string reportPath, string? previousPath, bool json, TextWriter output, TextWriter diagnostics)
    {
        FormTemplate template;
        Report report;
        Report? previous = null;
        try
        {
            report = Load(() => ReportXml.LoadFile(reportPath), FindingKind.Format);
            if (Directory.Exists(templatePath))
            {
                var catalog = TemplateCatalog.LoadFolder(templatePath);
                foreach (var skipped in catalog.Skipped)
                    diagnostics.WriteLine($"Пропущен файл шаблона {skipped}");
                if (catalog.IsAmbiguous(report.Header.Code, report.Header.Version))
                    throw new UnusableInputException(FindingKind.Template,
                        $"В папке «{templatePath}» несколько файлов с шаблоном {report.Header.Code} версии «{report.Header.Version}»: неясно, каким проверять.");
                template = catalog.Find(report.Header.Code, report.Header.Version)
                    ?? throw new UnusableInputException(FindingKind.Template,
                        $"Неизвестная версия шаблона: в папке «{templatePath}» нет шаблона {report.Header.Code} версии «{report.Header.Version}».");
            }
            else
            {
                template = Load(() => TemplateXml.LoadFile(templatePath), FindingKind.Template);
                if (!ReportChecker.MatchesTemplate(report, template))
                    throw new UnusableInputException(FindingKind.Template,
                        $"Неизвестная версия шаблона: отчёт составлен по шаблону {report.Header.Code} версии «{report.Header.Version}», а передан шаблон {template.Code} версии «{template.Version}».");
            }
            if (previousPath is not null)
            {
                previous = Load(() => ReportXml.LoadFile(previousPath), FindingKind.Format);
                if (ReportChecker.PreviousReportProblem(template, report, previous) is { } problem)
                    throw new UnusableInputException(FindingKind.Template, $"Отчёт за предыдущий период не подходит: {problem}.");
            }
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
        return result.HasErrors ? CliContext.Findings : CliContext.Ok;
    }

    /// <summary>Loads one input; if it cannot be used, the finding's kind is that input's (a template, or a report).</summary>
    private static T Load<T>(Func<T> load, FindingKind kind)
    {
        try
        {
            return load();
        }
        catch (XmlInputException ex)
        {
            throw new UnusableInputException(kind, ex.Message);
        }
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
        return CliContext.Unusable;
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
        f.Cells.Count > 0 ? f.Cells.Select(c => new JsonCell(c.Section, c.Row, c.Column, c.S1, c.S2, c.S3, c.Previous ? true : null)).ToArray() : null,
        f.Left, f.Right, f.Difference, f.Message);

    private sealed record JsonResult(
        IReadOnlyList<JsonFinding> Errors, IReadOnlyList<JsonFinding> Warnings, [property: JsonPropertyName("notChecked")] IReadOnlyList<JsonFinding> NotChecked);

    private sealed record JsonFinding(
        string Kind, string Code, string? Section, string? Row, string? Column, IReadOnlyList<JsonCell>? Cells,
        decimal? Left, decimal? Right, decimal? Difference, string Message);

    /// <summary><c>previous</c> is present (true) only for a cell of the previous period's report.</summary>
    private sealed record JsonCell(string Section, string Row, string Column, string? S1, string? S2, string? S3, bool? Previous);
}
