using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests;

/// <summary>Brings up the run's PostgreSQL and a fresh migrated database once, for every test.</summary>
[SetUpFixture]
public sealed class TestRun
{
    [OneTimeSetUp]
    public Task StartAsync() => TestDatabase.StartAsync();

    [OneTimeTearDown]
    public Task StopAsync() => TestDatabase.StopAsync();
}
