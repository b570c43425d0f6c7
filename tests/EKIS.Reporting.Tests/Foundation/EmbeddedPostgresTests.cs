using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Tests.Foundation;

public sealed class EmbeddedPostgresTests
{
    [Test]
    public void Missing_server_programs_fail_with_one_message_naming_the_package_and_the_variable()
    {
        var empty = Directory.CreateTempSubdirectory("ekis-nopg-").FullName;
        try
        {
            var ex = Assert.Throws<StartupException>(() => PostgresBinaries.Locate(null, searchPath: empty, versionedRoot: empty));
            Assert.That(ex!.Message, Does.Contain("'postgresql'").And.Contain("EKIS_DB"));
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Test]
    public void A_configured_bin_folder_without_initdb_is_rejected_by_name()
    {
        var ex = Assert.Throws<StartupException>(() => PostgresBinaries.Locate("/nonexistent/pg/bin"));
        Assert.That(ex!.Message, Does.Contain("/nonexistent/pg/bin").And.Contain("EKIS_PG_BIN"));
    }

    [Test]
    public async Task The_test_cluster_listens_only_on_loopback_on_its_recorded_port()
    {
        if (TestDatabase.Embedded is null)
            Prerequisites.IgnoreExceptOnCi("the embedded cluster (EKIS_TEST_DB points at another server)");

        var status = await TestDatabase.Embedded!.GetStatusAsync();
        await using var conn = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await conn.OpenAsync();
        await using var listen = new NpgsqlCommand("SHOW listen_addresses", conn);
        await using var port = new NpgsqlCommand("SHOW port", conn);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await listen.ExecuteScalarAsync(), Is.EqualTo("127.0.0.1"));
            Assert.That(int.Parse((string)(await port.ExecuteScalarAsync())!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(status.Port).And.Not.EqualTo(5432));
        });
    }

    [Test]
    public async Task Two_processes_starting_a_new_cluster_at_once_share_one_server_and_a_restart_keeps_the_data()
    {
        PostgresBinariesOrIgnore();
        var folder = Path.Combine(Path.GetTempPath(), $"ekis-tests-{Environment.UserName}", "cluster-" + Guid.NewGuid().ToString("N")[..8]);
        EmbeddedPostgres Make() => new(new EmbeddedPostgresOptions { DataFolder = folder, Durable = false }, NullLogger<EmbeddedPostgres>.Instance);
        var first = Make();
        try
        {
            var starts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Make().EnsureRunningAsync())));
            Assert.That(starts.Distinct().Count(), Is.EqualTo(1), "every starter got the same server");

            await using (var conn = new NpgsqlConnection(starts[0]))
            {
                await conn.OpenAsync();
                await using var create = new NpgsqlCommand("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)", conn);
                await create.ExecuteNonQueryAsync();
            }
            NpgsqlConnection.ClearAllPools();

            Assert.That(await first.StopAsync(), Is.True);
            Assert.That((await first.GetStatusAsync()).Running, Is.False);

            var again = await Make().EnsureRunningAsync();
            Assert.That(again, Is.EqualTo(starts[0]), "the second start reuses the port and the password");
            await using (var conn = new NpgsqlConnection(again))
            {
                await conn.OpenAsync();
                await using var read = new NpgsqlCommand("SELECT v FROM kept", conn);
                Assert.That(await read.ExecuteScalarAsync(), Is.EqualTo(42));
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await first.StopAsync();
            Directory.Delete(folder, true);
        }
    }

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task As_root_a_data_folder_the_server_account_cannot_reach_is_refused_with_a_clear_message()
    {
        if (!Environment.IsPrivilegedProcess)
            Prerequisites.IgnoreExceptOnCi("running as root (the check applies only to root)");
        PostgresBinariesOrIgnore();

        var closed = Directory.CreateTempSubdirectory("ekis-closed-").FullName;
        File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var pg = new EmbeddedPostgres(new EmbeddedPostgresOptions { DataFolder = Path.Combine(closed, "postgres") }, NullLogger<EmbeddedPostgres>.Instance);
            var ex = Assert.ThrowsAsync<StartupException>(() => pg.EnsureRunningAsync());
            Assert.That(ex!.Message, Does.Contain("cannot reach the data folder").And.Contain("EKIS_DATA_DIR"));
        }
        finally
        {
            Directory.Delete(closed, true);
        }
    }

    private static void PostgresBinariesOrIgnore()
    {
        try
        {
            PostgresBinaries.Locate(Environment.GetEnvironmentVariable("EKIS_PG_BIN"));
        }
        catch (StartupException ex)
        {
            Prerequisites.IgnoreExceptOnCi(ex.Message);
        }
    }
}

public sealed class EmbeddedFolderFallbackTests
{
    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task As_root_a_default_state_folder_the_server_account_cannot_enter_moves_the_cluster_to_var_tmp()
    {
        if (!Environment.IsPrivilegedProcess)
            Prerequisites.IgnoreExceptOnCi("running as root (the fallback applies only to root)");

        var closed = Directory.CreateTempSubdirectory("ekis-private-").FullName;
        File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var byDefault = new DatabaseSettings(null, Path.Combine(closed, ".data"), null, "postgres", "ekis", true, StateFolderConfigured: false);
            var moved = await DatabaseBootstrap.ReachableEmbeddedSettingsAsync(byDefault, NullLogger.Instance, CancellationToken.None);
            Assert.That(moved.StateFolder, Does.StartWith("/var/tmp/ekis-"));
            Assert.That(await EmbeddedPostgres.CanReachAsync("postgres", moved.EmbeddedDataFolder), Is.True);
            if (Directory.Exists(moved.StateFolder) && !Directory.EnumerateFileSystemEntries(moved.StateFolder).Any())
                Directory.Delete(moved.StateFolder);

            var configured = byDefault with { StateFolderConfigured = true };
            var kept = await DatabaseBootstrap.ReachableEmbeddedSettingsAsync(configured, NullLogger.Instance, CancellationToken.None);
            Assert.That(kept.StateFolder, Is.EqualTo(configured.StateFolder), "a configured EKIS_DATA_DIR is never moved");
        }
        finally
        {
            Directory.Delete(closed, true);
        }
    }
}
