using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using Serilog;
using Serilog.Extensions.Logging;

namespace EKIS.Reporting.Cli.Commands;

/// <summary>What every verb shares: configuration from the environment, loggers on stderr, exit codes.</summary>
public sealed class CliContext
{
    public const int Ok = 0;
    public const int Findings = 1;
    public const int Unusable = 2;

    public CliContext(IConfiguration configuration)
    {
        Configuration = configuration;
        Loggers = new SerilogLoggerFactory(Log.Logger);
    }

    public IConfiguration Configuration { get; }
    public ILoggerFactory Loggers { get; }
    public DatabaseSettings Database => DatabaseSettings.From(Configuration);

    /// <summary>Finds or starts the database and applies migrations; returns a data source on it.</summary>
    public async Task<NpgsqlDataSource> OpenDatabaseAsync(CancellationToken ct)
    {
        var prepared = await DatabaseBootstrap.PrepareAsync(Database, Loggers, migrate: true, ct);
        return NpgsqlDataSource.Create(prepared.ConnectionString);
    }

    /// <summary>
    /// Runs a verb: an operator-fixable failure prints one line and exits 2, never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (StartupException ex)
        {
            Log.Error("{Reason}", ex.Message);
            return Unusable;
        }
    }
}
