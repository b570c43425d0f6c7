using System.Reflection;
using EKIS.Reporting.Infrastructure.Database;
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
        builder.Services.AddSingleton(_ =>
        {
            var b = new NpgsqlDataSourceBuilder(database.ConnectionString);
            b.ConnectionStringBuilder.ApplicationName ??= "ekis";
            // Hot statements (report access, saves, checks) are prepared on the server once per
            // pooled connection: the deadline-rush benchmark measured database CPU per submission
            // 16.5 -> 9.4 ms with it (docs/BENCHMARKS.md). An explicit setting wins.
            if (b.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                b.ConnectionStringBuilder.MaxAutoPrepare = 50;
                b.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }
            return b.Build();
        });
        foreach (var slice in FeatureSlices())
            builder.Services.AddScoped(slice);
        return builder;
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
