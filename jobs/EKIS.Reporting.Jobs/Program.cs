// The standalone worker: a Hangfire server against the same job storage as the web app.
// Run as many as needed, on this or other machines, with EKIS_DB pointing at the shared server.
using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Jobs.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Extensions.Logging;

namespace EKIS.Reporting.Jobs;

public static class WorkerProgram
{
    public static async Task<int> Main(string[] args)
    {
        EkisLogging.CreateBootstrapLogger();
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Worker.json"), optional: false);
            builder.Configuration.AddEnvironmentVariables();
            builder.Configuration.AddCommandLine(args);
            builder.AddEkisLogging("worker");

            using var bootstrapLoggers = new SerilogLoggerFactory(Log.Logger);
            var database = await DatabaseBootstrap.PrepareAsync(DatabaseSettings.From(builder.Configuration), bootstrapLoggers);
            var jobs = JobsOptions.From(builder.Configuration);

            builder.AddEkisCore(database)
                .AddEkisJobStorage(database, jobs)
                .AddEkisJobActor()
                .AddEkisJobServer(jobs, "worker");
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(35));

            using var host = builder.Build();
            Log.Information("EKIS.Reporting worker started with {Workers} worker(s) on queues {Queues}", jobs.EffectiveWorkerCount(), jobs.Queues);
            await host.RunAsync();
            return 0;
        }
        catch (StartupException ex)
        {
            Log.Fatal("{Reason}", ex.Message);
            return 2;
        }
        catch (Exception ex)
        {
            Log.Fatal(ex, "The worker stopped unexpectedly");
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
