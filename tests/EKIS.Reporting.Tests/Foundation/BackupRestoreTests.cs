using Dapper;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;
using Npgsql;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Issue 10, point 11: <c>ekis db backup &lt;file&gt;</c> and <c>ekis db restore &lt;file&gt; [--force]</c> as real
/// processes against the run's server (EKIS_DB): the demo goes into one database, comes back out of the
/// backup into a fresh one with the same rows in every table and the same values in a report, and a
/// restore over data is refused without --force, replaces it with --force, and leaves it untouched when
/// the file is not a backup.
/// </summary>
public sealed class BackupRestoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly List<string> _databases = [];
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(TestDatabase.StateFolder, $"backup-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public async Task DropDatabasesAsync()
    {
        foreach (var name in _databases) await TestDatabase.DropDatabaseAsync(name);
        _databases.Clear();
    }

    private async Task<string> NewDatabaseAsync(string purpose)
    {
        var name = await TestDatabase.CreateEmptyDatabaseAsync(purpose);
        _databases.Add(name);
        return name;
    }

    private static Task<BuiltPrograms.Result> EkisAsync(string database, params string[] args) =>
        BuiltPrograms.RunAsync(BuiltPrograms.Cli, new Dictionary<string, string?> { ["EKIS_DB"] = TestDatabase.ConnectionFor(database) }, Timeout, args);

    /// <summary>Rows of every table of the application schema, by table.</summary>
    private static async Task<SortedDictionary<string, long>> RowCountsAsync(string database)
    {
        await using var conn = new NpgsqlConnection(TestDatabase.ConnectionFor(database));
        await conn.OpenAsync();
        var tables = await conn.QueryAsync<string>("SELECT tablename FROM pg_tables WHERE schemaname = 'ekis' ORDER BY tablename");
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
            counts[table] = await conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM ekis.\"{table}\"");
        return counts;
    }

    /// <summary>The values of the report with the most values: its id, status and version, then cell → value.</summary>
    private static async Task<List<string>> LargestReportAsync(string database)
    {
        await using var conn = new NpgsqlConnection(TestDatabase.ConnectionFor(database));
        await conn.OpenAsync();
        var id = await conn.ExecuteScalarAsync<long>("SELECT report_id FROM ekis.report_value GROUP BY report_id ORDER BY count(*) DESC, report_id LIMIT 1");
        var head = await conn.QuerySingleAsync<string>("SELECT format('%s %s %s', id, status, version) FROM ekis.report WHERE id = @id", new { id });
        var values = await conn.QueryAsync<string>("SELECT format('%s=%s', cell_id, value) FROM ekis.report_value WHERE report_id = @id ORDER BY cell_id", new { id });
        return [head, .. values];
    }

    [Test]
    public async Task The_demo_round_trips_through_a_backup_into_a_fresh_database()
    {
        var source = await NewDatabaseAsync("bsrc");
        var seeded = await EkisAsync(source, "seed", "demo");
        Assert.That(seeded.ExitCode, Is.EqualTo(0), seeded.Output);
        var file = Path.Combine(_folder, "ekis.backup");

        var backup = await EkisAsync(source, "db", "backup", file);
        Assert.That(backup.ExitCode, Is.EqualTo(0), backup.Output);
        Assert.That(File.ReadAllBytes(file)[..5], Is.EqualTo("PGDMP"u8.ToArray()), "a pg_dump archive in the custom format");

        var target = await NewDatabaseAsync("bdst");
        var restore = await EkisAsync(target, "db", "restore", file);
        Assert.That(restore.ExitCode, Is.EqualTo(0), restore.Output);

        var expected = await RowCountsAsync(source);
        Assert.That(expected["org_unit"], Is.GreaterThan(100), "the demo region is there to compare");
        Assert.That(expected["report_value"], Is.GreaterThan(0), "the demo reports have values");
        Assert.That(await RowCountsAsync(target), Is.EqualTo(expected), "the same rows in every table");
        var report = await LargestReportAsync(source);
        Assert.That(report, Has.Count.GreaterThan(5));
        Assert.That(await LargestReportAsync(target), Is.EqualTo(report), "the same report, status, version and values");

        // The restored database is one the application starts on: migrating it finds nothing to do.
        var migrate = await EkisAsync(target, "migrate");
        Assert.That((migrate.ExitCode, migrate.Output.Contains("актуальна", StringComparison.Ordinal)), Is.EqualTo((0, true)), migrate.Output);
    }

    [Test]
    public async Task A_restore_over_data_needs_force_and_then_replaces_it_all()
    {
        var source = await NewDatabaseAsync("bsrc");
        Assert.That((await EkisAsync(source, "seed", "demo")).ExitCode, Is.EqualTo(0));
        var file = Path.Combine(_folder, "ekis.backup");
        Assert.That((await EkisAsync(source, "db", "backup", file)).ExitCode, Is.EqualTo(0));
        var expected = await RowCountsAsync(source);

        // A database with data of its own: the demo, changed afterwards.
        var target = await NewDatabaseAsync("bdst");
        Assert.That((await EkisAsync(target, "seed", "demo")).ExitCode, Is.EqualTo(0));
        await using (var conn = new NpgsqlConnection(TestDatabase.ConnectionFor(target)))
        {
            await conn.OpenAsync();
            await conn.ExecuteAsync("""
                BEGIN;
                SELECT set_config('ekis.actor', 'system:tests', true);
                DELETE FROM ekis.report_value WHERE report_id = (SELECT min(report_id) FROM ekis.report_value);
                UPDATE ekis.org_unit SET name = 'Изменено после копии' WHERE ekis_code = 'M-SEV';
                COMMIT;
                """);
        }
        var changed = await RowCountsAsync(target);
        Assert.That(changed, Is.Not.EqualTo(expected), "the target differs from the backup");

        var refused = await EkisAsync(target, "db", "restore", file);
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.Output);
        Assert.That(refused.Output, Does.Contain("--force").And.Contain("не пуста"));
        Assert.That(await RowCountsAsync(target), Is.EqualTo(changed), "nothing was touched");

        var notBackup = Path.Combine(_folder, "notes.txt");
        await File.WriteAllTextAsync(notBackup, "это не резервная копия");
        var wrongFile = await EkisAsync(target, "db", "restore", notBackup, "--force");
        Assert.That(wrongFile.ExitCode, Is.EqualTo(2), wrongFile.Output);
        Assert.That(wrongFile.Output, Does.Contain("не является резервной копией"));
        Assert.That(await RowCountsAsync(target), Is.EqualTo(changed), "nothing was touched");

        // A cut backup fails half-way through loading: the whole restore is rolled back.
        var cut = Path.Combine(_folder, "cut.backup");
        var whole = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(cut, whole[..(whole.Length / 2)]);
        var cutRun = await EkisAsync(target, "db", "restore", cut, "--force");
        Assert.That(cutRun.ExitCode, Is.EqualTo(2), cutRun.Output);
        // Where the cut falls decides which check refuses it: the archive's table of contents
        // (read before anything is touched) or the load itself (rolled back); both say so in words.
        Assert.That(cutRun.Output, Does.Contain("осталась прежней").Or.Contain("повреждён"));
        Assert.That(await RowCountsAsync(target), Is.EqualTo(changed), "nothing was touched");

        var forced = await EkisAsync(target, "db", "restore", file, "--force");
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Output);
        Assert.That(await RowCountsAsync(target), Is.EqualTo(expected), "the backup replaced the database's contents");
        Assert.That(await LargestReportAsync(target), Is.EqualTo(await LargestReportAsync(source)));
        await using (var conn = new NpgsqlConnection(TestDatabase.ConnectionFor(target)))
            Assert.That(await conn.ExecuteScalarAsync<string>("SELECT name FROM ekis.org_unit WHERE ekis_code = 'M-SEV'"), Is.Not.EqualTo("Изменено после копии"));
    }

    [Test]
    public async Task The_embedded_cluster_is_backed_up_and_restored_with_its_own_server_programs()
    {
        // A cluster of this test's own, as a fresh checkout would have it (no EKIS_DB).
        var env = new Dictionary<string, string?> { ["EKIS_DATA_DIR"] = Path.Combine(_folder, "state") };
        Task<BuiltPrograms.Result> Ekis(params string[] args) => BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, Timeout, args);
        var file = Path.Combine(_folder, "embedded.backup");
        try
        {
            var nothing = await Ekis("db", "backup", file);
            Assert.That(nothing.ExitCode, Is.EqualTo(2), nothing.Output);
            Assert.That(nothing.Output, Does.Contain("nothing to back up"));

            Assert.That((await Ekis("migrate")).ExitCode, Is.EqualTo(0), "creates the database with the demo, as a first start does");
            var backup = await Ekis("db", "backup", file);
            Assert.That(backup.ExitCode, Is.EqualTo(0), backup.Output);
            Assert.That(backup.Output, Does.Contain("/bin/pg_dump"), "the cluster's own server folder");

            var refused = await Ekis("db", "restore", file);
            Assert.That(refused.ExitCode, Is.EqualTo(2), refused.Output);
            var forced = await Ekis("db", "restore", file, "--force");
            Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Output);
            var status = await Ekis("seed", "demo");
            Assert.That((status.ExitCode, status.Output.Contains("уже загружены", StringComparison.Ordinal)), Is.EqualTo((0, true)), status.Output);
        }
        finally
        {
            await Ekis("db", "stop");
        }
    }

    [Test]
    public void The_client_programs_are_found_like_the_server_programs_and_missing_ones_are_named()
    {
        var root = Path.Combine(_folder, "versions");
        void Programs(string version, params string[] names)
        {
            Directory.CreateDirectory(Path.Combine(root, version, "bin"));
            foreach (var name in names) File.WriteAllText(Path.Combine(root, version, "bin", name), "");
        }
        Programs("15", "pg_dump", "pg_restore", "psql");
        Programs("17", "pg_dump", "pg_restore"); // no psql: not a usable folder
        var emptyPath = Path.Combine(_folder, "empty");
        Directory.CreateDirectory(emptyPath);

        Assert.That(PostgresBinaries.LocateClient(null, searchPath: emptyPath, versionedRoot: root).BinFolder, Is.EqualTo(Path.Combine(root, "15", "bin")));
        var missing = Assert.Throws<StartupException>(() => PostgresBinaries.LocateClient(null, searchPath: emptyPath, versionedRoot: emptyPath));
        Assert.That(missing!.Message, Does.Contain("'postgresql-client'").And.Contain("EKIS_PG_BIN"));
        var wrong = Assert.Throws<StartupException>(() => PostgresBinaries.LocateClient(Path.Combine(root, "17", "bin")));
        Assert.That(wrong!.Message, Does.Contain("17").And.Contain("EKIS_PG_BIN"));
    }

    [Test]
    public async Task A_backup_of_an_unreachable_database_or_into_a_missing_folder_exits_2()
    {
        var unreachable = await BuiltPrograms.RunAsync(BuiltPrograms.Cli,
            new Dictionary<string, string?> { ["EKIS_DB"] = "Host=127.0.0.1;Port=1;Database=ekis;Username=ekis;Password=x;Timeout=3" }, Timeout,
            "db", "backup", Path.Combine(_folder, "x.backup"));
        Assert.That(unreachable.ExitCode, Is.EqualTo(2), unreachable.Output);
        Assert.That(File.Exists(Path.Combine(_folder, "x.backup")), Is.False);

        var source = await NewDatabaseAsync("bsrc");
        Assert.That((await EkisAsync(source, "migrate")).ExitCode, Is.EqualTo(0));
        var missingFolder = await EkisAsync(source, "db", "backup", Path.Combine(_folder, "no-such-folder", "x.backup"));
        Assert.That(missingFolder.ExitCode, Is.EqualTo(2), missingFolder.Output);
    }
}
