using System.CommandLine;
using EKIS.Reporting.Templates.Lint;

namespace EKIS.Reporting.Cli.Commands;

/// <summary><c>ekis template lint &lt;template.xml&gt;</c>: exit 0 when clean, 1 with problems, 2 when the file is unusable.</summary>
public static class TemplateCommands
{
    public static Command Create()
    {
        var file = new Argument<string>("template") { Description = "Файл шаблона (metaForm XML)" };
        var lint = new Command("lint", "Проверить шаблон формы: контроли, ссылки на ячейки, уникальность кодов");
        lint.Arguments.Add(file);
        lint.SetAction(parseResult => Lint(parseResult.GetValue(file)!, Console.Out));

        var template = new Command("template", "Шаблоны форм в формате Росстата");
        template.Subcommands.Add(lint);
        return template;
    }

    public static int Lint(string path, TextWriter output)
    {
        if (!File.Exists(path))
        {
            output.WriteLine($"Шаблон: файл «{path}» не найден.");
            return ExitCodes.UnusableInput;
        }
        var problems = TemplateLinter.LintFile(path);
        foreach (var p in problems)
            output.WriteLine($"{path}:{p}");
        if (problems.Count == 0)
            return ExitCodes.Clean;
        output.WriteLine($"Найдено проблем: {problems.Count}.");
        return ExitCodes.Findings;
    }
}

/// <summary>The exit codes every <c>ekis</c> verb uses.</summary>
public static class ExitCodes
{
    public const int Clean = 0;
    public const int Findings = 1;
    public const int UnusableInput = 2;
}
