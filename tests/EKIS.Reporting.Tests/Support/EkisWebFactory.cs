using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EKIS.Reporting.Tests.Support;

/// <summary>The real web app in-process, on the run's test database, with no job server of its own.</summary>
public sealed class EkisWebFactory(bool runJobServer = false) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Ekis", TestDatabase.ConnectionString);
        builder.UseSetting("EKIS_DATA_DIR", TestDatabase.StateFolder);
        builder.UseSetting("EKIS_LOG_DIR", Path.Combine(TestDatabase.StateFolder, "logs"));
        builder.UseSetting("Jobs:RunInWeb", runJobServer ? "true" : "false");
    }
}
