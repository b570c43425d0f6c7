using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace EKIS.Reporting.Hosting;

/// <summary>
/// Serilog for every host: a bootstrap logger for start-up, then the configuration's sinks
/// (human-readable console, rolling compact-JSON file). File paths may use %EKIS_LOG_DIR%, which
/// defaults to &lt;state folder&gt;/logs.
/// </summary>
public static class EkisLogging
{
    public const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static void CreateBootstrapLogger() =>
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();

    /// <summary>Sets EKIS_LOG_DIR (if unset) so that configured file sinks land beside the embedded database.</summary>
    public static string EnsureLogFolder(IConfiguration config)
    {
        var dir = config["EKIS_LOG_DIR"];
        if (string.IsNullOrWhiteSpace(dir))
        {
            var state = config["EKIS_DATA_DIR"] ?? config["Database:DataDir"] ?? Infrastructure.RepositoryPaths.DefaultStateFolder();
            dir = Path.Combine(Path.GetFullPath(state), "logs");
        }
        // File sink paths in appsettings expand %EKIS_LOG_DIR% from the process environment.
        Environment.SetEnvironmentVariable("EKIS_LOG_DIR", dir);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static IHostApplicationBuilder AddEkisLogging(this IHostApplicationBuilder builder, string application)
    {
        EnsureLogFolder(builder.Configuration);
        builder.Services.AddSerilog((services, lc) => lc
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", application));
        return builder;
    }
}
