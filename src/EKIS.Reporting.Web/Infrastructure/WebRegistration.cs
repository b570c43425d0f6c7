using System.Globalization;
using System.Text.Json;
using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Localization;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Hangfire;
using Serilog;

namespace EKIS.Reporting.Web.Infrastructure;

public static class WebRegistration
{
    public static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public static IHostApplicationBuilder AddEkisWeb(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorPages(o =>
        {
            // Every unsafe request (POST, PUT, DELETE) from a page must carry the antiforgery token.
            o.Conventions.ConfigureFilter(new Microsoft.AspNetCore.Mvc.AutoValidateAntiforgeryTokenAttribute());
            // Downloads of personal data are never cached (Cache-Control: no-store).
            o.Conventions.ConfigureFilter(new NoStoreDownloadsFilter());
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ekis.af";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddHttpContextAccessor();
        // Russian text is written as-is, not as &#x...; entities (smaller pages, readable source).
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        // Keys that protect cookies and antiforgery tokens survive restarts (state folder, beside the database).
        var settings = DatabaseSettings.From(builder.Configuration);
        services.AddDataProtection()
            .SetApplicationName("EKIS.Reporting")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(settings.StateFolder, "keys")));
        services.AddScoped<ICurrentActor, HttpCurrentActor>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Russian);
            o.SupportedCultures = [Russian];
            o.SupportedUICultures = [Russian];
        });
        services.AddProblemDetails();
        builder.AddEkisAuth();
        builder.AddEkisProxy();
        return builder;
    }

    public static WebApplication UseEkisWeb(this WebApplication app)
    {
        app.UseEkisErrorPages();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseEkisProxy();
        app.UseSerilogRequestLogging(o =>
        {
            // Health probes every few seconds would drown the log.
            o.GetLevel = (ctx, _, ex) => ex is not null || ctx.Response.StatusCode >= 500
                ? Serilog.Events.LogEventLevel.Error
                : ctx.Request.Path.StartsWithSegments("/health") ? Serilog.Events.LogEventLevel.Verbose : Serilog.Events.LogEventLevel.Information;
        });
        app.UseRequestLocalization();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<RequireChosenRoleMiddleware>();
        app.UseAntiforgery();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthJson }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthRegistration.ReadyTag), ResponseWriter = WriteHealthJson }).AllowAnonymous();
        app.MapHangfireDashboard("/admin/jobs", new Hangfire.DashboardOptions
        {
            Authorization = [new AdminDashboardAuthorization()],
            DashboardTitle = "ЕКИС.Отчётность — фоновые задания",
            AppPath = "/",
        }).RequireAuthorization(Policies.Admin);
        app.MapRazorPages();
        return app;
    }

    /// <summary>
    /// Outside Development (the default: the quick start runs as production) a failure shows the Russian
    /// error page with a reference id — the request's trace id — and the details go only to the log, in one
    /// line with the same id written by the error page (so the middleware's own line is suppressed).
    /// Development keeps the developer page. 404, 403 and the like get the same Russian page.
    /// </summary>
    private static void UseEkisErrorPages(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/Error",
                SuppressDiagnosticsCallback = c => c.ExceptionHandledBy == Microsoft.AspNetCore.Diagnostics.ExceptionHandledType.ExceptionHandlingPath,
            });
        }
        app.UseStatusCodePagesWithReExecute("/Error", "?code={0}");
    }

    /// <summary>Logs where the app listens once Kestrel has bound, so a newcomer sees the URL to open.</summary>
    public static void AnnounceAddresses(this WebApplication app, PreparedDatabase database, JobsOptions jobs)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
                Log.Information("EKIS.Reporting is ready at {Url}", address);
            Log.Information("Database: {Database} ({Kind}); job server in this process: {RunsJobs}",
                DatabaseBootstrap.Describe(database.ConnectionString), database.Embedded ? "embedded" : "external", jobs.RunInWeb);
            if (database.Embedded)
                _ = AnnounceDemoAccountsAsync(app.Services);
        });
    }

    private static async Task AnnounceDemoAccountsAsync(IServiceProvider services)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            var accounts = await scope.ServiceProvider.GetRequiredService<EKIS.Reporting.Features.Demo.DemoAccounts>().ListAsync();
            foreach (var a in accounts)
                Log.Information("Demo account {Login} / {Password}: {Role} {Unit}", a.Login, EKIS.Reporting.Features.Demo.DemoAccounts.Password,
                    EKIS.Reporting.Features.Access.Roles.Title(a.Role), a.Unit ?? "");
        }
        catch (Npgsql.NpgsqlException ex)
        {
            Log.Warning("Could not list the demo accounts: {Reason}", ex.Message);
        }
    }

    private static Task WriteHealthJson(HttpContext ctx, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        ctx.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            totalMs = (int)report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
