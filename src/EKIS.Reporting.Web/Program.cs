using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Jobs.Hosting;
using EKIS.Reporting.Web.Infrastructure;
using Serilog;
using Serilog.Extensions.Logging;

EkisLogging.CreateBootstrapLogger();
var aborted = false;
try
{
    var builder = WebApplication.CreateBuilder(args);
    // Loopback only unless told otherwise (ASPNETCORE_URLS, --urls or "Urls" in configuration).
    if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        builder.WebHost.UseUrls("http://127.0.0.1:5080");
    builder.AddEkisLogging("web");

    using var bootstrapLoggers = new SerilogLoggerFactory(Log.Logger);
    var database = await DatabaseBootstrap.PrepareAsync(DatabaseSettings.From(builder.Configuration), bootstrapLoggers);
    var jobs = JobsOptions.From(builder.Configuration);

    builder.AddEkisCore(database)
        .AddEkisJobStorage(database, jobs)
        .AddEkisHealthChecks()
        .AddEkisWeb();
    if (jobs.RunInWeb)
        builder.AddEkisJobServer(jobs, "web");

    var app = builder.Build();
    app.UseEkisWeb();
    app.AnnounceAddresses(database, jobs);
    await app.RunAsync();
    return 0;
}
catch (StartupException ex)
{
    Log.Fatal("{Reason}", ex.Message);
    return 2;
}
catch (HostAbortedException)
{
    // In-process test hosts stop Program here after building the app; they keep using its logger.
    aborted = true;
    throw;
}
catch (Exception ex)
{
    Log.Fatal(ex, "The web app stopped unexpectedly");
    return 1;
}
finally
{
    if (!aborted) await Log.CloseAndFlushAsync();
}

/// <summary>Entry point type, public for in-process HTTP tests (WebApplicationFactory).</summary>
public partial class Program;
