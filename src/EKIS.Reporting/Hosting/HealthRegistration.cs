using EKIS.Reporting.Infrastructure.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EKIS.Reporting.Hosting;

public static class HealthRegistration
{
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddEkisHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<JobStorageHealthCheck>("job-storage", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return builder;
    }
}
