using System.Reflection;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Infrastructure.Mail;
using EKIS.Reporting.Infrastructure.Files;
using EKIS.Reporting.Infrastructure.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EKIS.Reporting.Hosting;

public static class EkisCoreRegistration
{
    /// <summary>
    /// The data source and every feature slice. A slice is a public sealed top-level class in an
    /// <c>EKIS.Reporting.Features.*</c> namespace; each is registered as scoped, so a new slice
    /// needs no registration line.
    /// </summary>
    public static IHostApplicationBuilder AddEkisCore(this IHostApplicationBuilder builder, PreparedDatabase database)
    {
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(RegionOptions.From(builder.Configuration));
        builder.Services.AddSingleton<RegionClock>();
        builder.Services.AddSingleton(ReviewOptions.From(builder.Configuration));
        builder.Services.AddSingleton(ZipLimits.From(builder.Configuration));
        builder.Services.AddSingleton(_ => CreateDataSource(database.ConnectionString));
        // Mail is queued by pages and sent by jobs: every host that runs either needs the mailer.
        builder.Services.AddSingleton(MailOptions.Load(builder.Configuration, DatabaseSettings.From(builder.Configuration).StateFolder));
        builder.Services.AddSingleton<IMailSender, Mailer>();
        builder.Services.AddSingleton(PasswordRecovery.Limits.From(builder.Configuration));
        builder.AddEkisOutbox();
        foreach (var slice in FeatureSlices())
            builder.Services.AddScoped(slice);
        return builder;
    }

    /// <summary>The application's data source with its connection settings (the benchmarks build theirs here too).</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var b = new NpgsqlDataSourceBuilder(connectionString);
        b.ConnectionStringBuilder.ApplicationName ??= "ekis";
        // Hot statements (report access, saves, checks) are prepared on the server once per
        // pooled connection: the deadline-rush benchmark measured database CPU per submission
        // 16.5 -> 9.4 ms with it (docs/BENCHMARKS.md). An explicit setting wins.
        if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            b.ConnectionStringBuilder.MaxAutoPrepare = 50;
            b.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        // A connection taken from the pool is not reset (RESET ALL, CLOSE ALL, UNLISTEN *, unlocking
        // advisory locks … before its next statement): every setting the application makes on this
        // data source is transaction-local (set_config(…, true), SET LOCAL, ON COMMIT DROP temp tables,
        // pg_advisory_xact_lock) and ends with the transaction, and Hangfire and the migrator use
        // connections of their own. Measured in the deadline rush: database CPU per submission
        // 6.8 -> 6.0 ms (docs/BENCHMARKS.md). Session-level state on this data source would leak
        // from one request to the next — keep it transaction-local. An explicit setting wins.
        if (!Mentions(connectionString, "No Reset On Close", "NoResetOnClose"))
            b.ConnectionStringBuilder.NoResetOnClose = true;
        return b.Build();
    }

    private static bool Mentions(string connectionString, params string[] keys)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(given.ContainsKey);
    }

    public static IEnumerable<Type> FeatureSlices() =>
        typeof(EkisCoreRegistration).Assembly.GetTypes().Where(t =>
            t is { IsClass: true, IsAbstract: false, IsSealed: true, IsPublic: true, IsNested: false }
            && t.Namespace?.StartsWith("EKIS.Reporting.Features.", StringComparison.Ordinal) == true
            && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute))
            && t.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Length > 0
            && !IsRecord(t));

    private static bool IsRecord(Type t) => t.GetMethod("<Clone>$") is not null;
}
