using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EKIS.Reporting.Tests.Foundation;

public sealed class MigrationTests
{
    [Test]
    public async Task Hosts_migrating_a_new_database_at_once_apply_each_script_exactly_once()
    {
        var name = await TestDatabase.CreateEmptyDatabaseAsync("migr");
        try
        {
            var cs = TestDatabase.ConnectionFor(name);
            var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new Migrator(cs, NullLogger.Instance).MigrateAsync())));

            Assert.That(runs.Sum(r => r.Applied.Count), Is.EqualTo(Migrator.ScriptNames().Count), "the scripts were applied once in all");
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var journal = new NpgsqlCommand("SELECT count(*), count(DISTINCT scriptname) FROM ekis.schema_versions", conn);
            await using (var r = await journal.ExecuteReaderAsync())
            {
                await r.ReadAsync();
                Assert.That(r.GetInt64(0), Is.EqualTo(Migrator.ScriptNames().Count));
                Assert.That(r.GetInt64(1), Is.EqualTo(r.GetInt64(0)));
            }
            Assert.That(await Migrator.PendingAsync(conn), Is.Empty);
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(name);
        }
    }

    [Test]
    public async Task A_second_run_applies_nothing_and_an_empty_database_reports_every_script_pending()
    {
        var again = await new Migrator(TestDatabase.ConnectionString, NullLogger.Instance).MigrateAsync();
        Assert.That(again.Applied, Is.Empty);

        var name = await TestDatabase.CreateEmptyDatabaseAsync("pend");
        try
        {
            await using var conn = new NpgsqlConnection(TestDatabase.ConnectionFor(name));
            await conn.OpenAsync();
            Assert.That(await Migrator.PendingAsync(conn), Is.EqualTo(Migrator.ScriptNames()));
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(name);
        }
    }

    [Test]
    public async Task Application_tables_live_in_schema_ekis_and_job_storage_in_schema_hangfire()
    {
        await using var conn = await TestDatabase.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE table_schema = 'ekis'), count(*) FILTER (WHERE table_schema = 'hangfire'), count(*) FILTER (WHERE table_schema = 'public') FROM information_schema.tables", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        Assert.Multiple(() =>
        {
            Assert.That(r.GetInt64(0), Is.GreaterThanOrEqualTo(4), "ekis tables");
            Assert.That(r.GetInt64(1), Is.GreaterThanOrEqualTo(5), "hangfire tables");
            Assert.That(r.GetInt64(2), Is.Zero, "nothing in public");
        });
    }

    [Test]
    public void Every_migration_script_is_numbered_and_embedded_in_order()
    {
        var onDisk = Directory.GetFiles(Path.Combine(BuiltPrograms.RepositoryRoot, "db", "migrations"), "*.sql")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var embedded = Migrator.ScriptNames().Select(n => n["db.migrations.".Length..]).ToList();
        Assert.That(embedded, Is.EqualTo(onDisk));
        Assert.That(onDisk, Has.All.Matches<string>(n => System.Text.RegularExpressions.Regex.IsMatch(n, @"^\d{4}_[a-z0-9_]+\.sql$")));
    }
}
