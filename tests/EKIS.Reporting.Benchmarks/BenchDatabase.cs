using System.Globalization;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EKIS.Reporting.Benchmarks;

/// <summary>
/// A database of its own for one benchmark run: on <c>EKIS_TEST_DB</c> if set, else on a throw-away
/// embedded cluster in the temp folder (non-durable). Disposing drops the database and stops the
/// cluster it started.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly EmbeddedPostgres? _embedded;

    private BenchDatabase(string server, string name, EmbeddedPostgres? embedded)
    {
        Server = server;
        Name = name;
        _embedded = embedded;
    }

    /// <summary>The server's connection string (no database chosen).</summary>
    public string Server { get; }

    public string Name { get; }

    public static async Task<BenchDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("EKIS_TEST_DB");
        EmbeddedPostgres? embedded = null;
        if (string.IsNullOrWhiteSpace(server))
        {
            embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions
            {
                DataFolder = Path.Combine(Path.GetTempPath(), $"ekis-bench-{Environment.UserName}", "postgres"),
                BinFolder = Environment.GetEnvironmentVariable("EKIS_PG_BIN"),
                Durable = false,
            }, NullLogger<EmbeddedPostgres>.Instance);
            server = await embedded.EnsureRunningAsync();
        }
        var name = $"ekis_bench_{Environment.ProcessId}";
        await DatabaseBootstrap.EnsureDatabaseAsync(server, name, CancellationToken.None);
        return new BenchDatabase(server, name, embedded);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using (var conn = new NpgsqlConnection(Server))
        {
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync();
        }
        if (_embedded is not null) await _embedded.StopAsync();
    }
}

/// <summary>Command-line options of the scenarios: <c>--name value</c>.</summary>
public static class BenchArgs
{
    public static int Int(string[] args, string name, int fallback) =>
        String(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static string? String(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
