using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using EKIS.Reporting.Templates.Lint;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Cli.Commands;

/// <summary>
/// <c>ekis template lint &lt;template.xml&gt; [--json]</c>: exit 0 when clean, 1 with problems, 2 when the
/// file cannot be used at all (missing, not XML, a DTD, wrong root…) or the command line is wrong.
/// With <c>--json</c>, one object <c>{"problems":[{"line":…,"code":…,"message":…}]}</c>.
/// </summary>
public static class TemplateCommands
{
    public static Command Create()
    {
        // Usage mistakes are checked by the verb itself (not as parse errors, which exit 1), so that
        // they exit 2 like any other unusable input.
        var file = new Argument<string?>("template") { Description = "Файл шаблона (metaForm XML)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Вывести результат одним JSON-объектом" };
        var lint = new Command("lint", "Проверить шаблон формы: контроли, ссылки на ячейки, уникальность кодов") { TreatUnmatchedTokensAsErrors = false };
        lint.Arguments.Add(file);
        lint.Options.Add(json);
        lint.SetAction(parseResult =>
        {
            var asJson = parseResult.GetValue(json);
            var path = parseResult.GetValue(file);
            if (VerbGuard.UsageProblem(parseResult, path is null ? "не указан файл шаблона" : null) is { } usage)
                return WriteUnusable(usage, 0, asJson, Console.Out);
            return VerbGuard.Run(() => Lint(path!, Console.Out, asJson), message => WriteUnusable(message, 0, asJson, Console.Out));
        });

        var template = new Command("template", "Шаблоны форм в формате Росстата");
        template.Subcommands.Add(lint);
        return template;
    }

    public static int Lint(string path, TextWriter output, bool json = false)
    {
        IReadOnlyList<LintProblem> problems;
        try
        {
            problems = TemplateLinter.LintFile(path);
        }
        catch (XmlInputException ex)
        {
            return WriteUnusable(ex.Message, ex.Line, json, output);
        }
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { problems = problems.Select(p => new { line = p.Line, code = p.Code, message = p.Message }) }, JsonOptions));
            return problems.Count == 0 ? CliContext.Ok : CliContext.Findings;
        }
        foreach (var p in problems)
            output.WriteLine($"{path}:{p}");
        if (problems.Count == 0)
            return CliContext.Ok;
        output.WriteLine($"Найдено проблем: {problems.Count}.");
        return CliContext.Findings;
    }

    private static int WriteUnusable(string message, int line, bool json, TextWriter output)
    {
        output.WriteLine(json
            ? JsonSerializer.Serialize(new { problems = new[] { new { line, code = "input", message } } }, JsonOptions)
            : message);
        return CliContext.Unusable;
    }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        // Russian messages stay readable; the output is a CLI's, not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>What the template and report verbs share: usage checks and the last-resort catch.</summary>
internal static class VerbGuard
{
    /// <summary>A usage mistake (unknown token, missing value), or null when the command line is fine.</summary>
    public static string? UsageProblem(ParseResult parseResult, params string?[] missing)
    {
        if (parseResult.UnmatchedTokens.Count > 0)
            return $"Неверная командная строка: непонятные аргументы {string.Join(" ", parseResult.UnmatchedTokens)}.";
        if (parseResult.Errors.Count > 0)
            return $"Неверная командная строка: {parseResult.Errors[0].Message}";
        var first = missing.FirstOrDefault(m => m is not null);
        return first is null ? null : $"Неверная командная строка: {first}.";
    }

    /// <summary>
    /// Runs a verb; anything it did not expect is reported in one line and exits 2 (the input could
    /// not be processed), never as a stack trace.
    /// </summary>
    public static int Run(Func<int> verb, Func<string, int> unusable)
    {
        try
        {
            return verb();
        }
#pragma warning disable CA1031 // The last line of defence of a command-line verb: report, do not crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return unusable($"Не удалось обработать входные данные: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
