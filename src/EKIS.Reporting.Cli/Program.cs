// ekis — the command-line tool. Exit codes for every verb: 0 clean, 1 findings, 2 unusable input.
using System.CommandLine;
using EKIS.Reporting.Cli.Commands;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace EKIS.Reporting.Cli;

public static class CliProgram
{
    public static async Task<int> Main(string[] args)
    {
        // Logs go to stderr so that stdout carries only the verb's output (and --json stays parseable).
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Hangfire", LogEventLevel.Warning)
            .WriteTo.Console(outputTemplate: "[{Level:u3}] {Message:lj}{NewLine}", standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();

        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var cli = new CliContext(configuration);

        var root = new RootCommand("ekis — командная строка ЕКИС.Отчётность");
        root.Add(DbCommands.Migrate(cli));
        root.Add(DbCommands.Create(cli));
        root.Add(SeedCommands.Create(cli));
        root.Add(TemplateCommands.Create());
        root.Add(ReportCommands.Create());
        root.Add(RegistryCommands.Create(cli));
        root.Add(UserCommands.Create(cli));
        root.Add(CampaignCommands.Create(cli));

        try
        {
            var parsed = root.Parse(args);
            // A command line that does not parse is unusable input: exit 2, like every other unusable input.
            if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
            {
                foreach (var error in parsed.Errors)
                    Console.Error.WriteLine(error.Message);
                Console.Error.WriteLine("Справка: ekis --help");
                return CliContext.Unusable;
            }
            return await parsed.InvokeAsync();
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
