using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// The demo region, seeded once per run into a template database instead of once per test.
/// A fixture that starts from the demo gets a clone of it (<c>CREATE DATABASE … TEMPLATE</c>); each
/// of its tests then puts the demo back from a copy of the seeded rows kept in the clone itself
/// (schema <c>ekis_test_demo</c>), because a fixture's web host keeps its connection string — and its
/// pooled connections — for all the fixture's tests, so the database cannot be swapped under it.
/// </summary>
public static class DemoTemplate
{
    private const string SnapshotSchema = "ekis_test_demo";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _name;
    private static string _restoreSql = "";

    /// <summary>Creates, migrates and seeds the template on the run's first call; later calls return at once.</summary>
    public static async Task EnsureAsync(string name)
    {
        await Gate.WaitAsync();
        try
        {
            if (_name is not null) return;
            await DatabaseBootstrap.EnsureDatabaseAsync(TestDatabase.ServerConnectionString, name, CancellationToken.None);
            var cs = TestDatabase.ConnectionFor(name);
            await new Migrator(cs, NullLogger.Instance).MigrateAsync();
            await using (var db = NpgsqlDataSource.Create(cs))
            {
                await new SeedDemo(db).RunAsync(Actor.Cli);
                _restoreSql = await SnapshotAsync(db);
            }
            // CREATE DATABASE … TEMPLATE refuses a template with any session open, including an idle
            // pooled one of ours; and nothing has business in it after this point.
            NpgsqlConnection.ClearAllPools();
            await ExecuteOnServerAsync("ALTER DATABASE {0} WITH ALLOW_CONNECTIONS false", name);
            _name = name;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static Task CloneAsync(string clone) =>
        ExecuteOnServerAsync("CREATE DATABASE {0} TEMPLATE {1}", clone, _name ?? throw new InvalidOperationException("The demo template is not made yet."));

    public static async Task DropAsync()
    {
        if (_name is null) return;
        await ExecuteOnServerAsync("DROP DATABASE IF EXISTS {0} WITH (FORCE)", _name);
        _name = null;
    }

    /// <summary>
    /// Empties the application tables and copies the seeded rows back, with triggers off (the rows
    /// are the trigger-made ones already: history, audit) and every sequence where the seed left it,
    /// so ids are the same in every test, as they were when each test seeded the demo itself.
    /// </summary>
    public static async Task RestoreAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand(_restoreSql, conn, tx);
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    /// <summary>Copies every application table of the freshly seeded template into the snapshot schema; returns the SQL that restores them.</summary>
    private static async Task<string> SnapshotAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var tables = new List<(string Table, string Columns)>();
        await using (var list = new NpgsqlCommand("""
            SELECT quote_ident(c.relname), string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            WHERE n.nspname = 'ekis' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_versions'
            GROUP BY c.relname
            ORDER BY c.relname
            """, conn))
        await using (var r = await list.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add((r.GetString(0), r.GetString(1)));

        var sequences = new List<(string Sequence, long? Value)>();
        await using (var list = new NpgsqlCommand(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences WHERE schemaname = 'ekis' ORDER BY 1", conn))
        await using (var r = await list.ExecuteReaderAsync())
            while (await r.ReadAsync()) sequences.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetInt64(1)));

        var copy = new System.Text.StringBuilder($"CREATE SCHEMA {SnapshotSchema};\n");
        foreach (var (table, columns) in tables)
            copy.Append($"CREATE TABLE {SnapshotSchema}.{table} AS SELECT {columns} FROM ekis.{table};\n");
        await using (var cmd = new NpgsqlCommand(copy.ToString(), conn))
            await cmd.ExecuteNonQueryAsync();

        var filled = new HashSet<string>();
        foreach (var (table, _) in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT EXISTS (SELECT FROM {SnapshotSchema}.{table})", conn);
            if ((bool)(await count.ExecuteScalarAsync())!) filled.Add(table);
        }

        // session_replication_role needs a superuser (the embedded test cluster's role is one).
        var restore = new System.Text.StringBuilder("SET LOCAL session_replication_role = replica;\n");
        restore.Append("TRUNCATE ").Append(string.Join(", ", tables.Select(t => "ekis." + t.Table))).Append(" RESTART IDENTITY CASCADE;\n");
        foreach (var (table, columns) in tables.Where(t => filled.Contains(t.Table)))
            restore.Append($"INSERT INTO ekis.{table} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {SnapshotSchema}.{table};\n");
        foreach (var (sequence, value) in sequences)
            restore.Append(value is { } v ? $"SELECT setval('{sequence}', {v});\n" : $"ALTER SEQUENCE {sequence} RESTART;\n");
        return restore.ToString();
    }

    private static async Task ExecuteOnServerAsync(string statement, params string[] names)
    {
        await using var conn = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await conn.OpenAsync();
        var quoted = new object[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            await using var quote = new NpgsqlCommand("SELECT quote_ident($1)", conn);
            quote.Parameters.Add(new NpgsqlParameter { Value = names[i] });
            quoted[i] = (string)(await quote.ExecuteScalarAsync())!;
        }
        await using var cmd = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, statement, quoted), conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
