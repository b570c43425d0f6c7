using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// Base for tests on the real database: every test starts from empty application tables — or, in a
/// fixture that says <see cref="StartsFromDemo"/>, from the demo region as <c>SeedDemo</c> leaves it
/// (actor <c>system:cli</c>), in a database of the fixture's own.
/// </summary>
public abstract class DatabaseTest
{
    protected static NpgsqlDataSource Db => TestDatabase.DataSource;

    /// <summary>True: each test starts from the demo region (seeded once per run, cloned for the fixture).</summary>
    protected virtual bool StartsFromDemo => false;

    private bool _demoUntouched;

    [OneTimeSetUp]
    public async Task UseFixtureDatabaseAsync()
    {
        if (!StartsFromDemo) return;
        await TestDatabase.UseDemoCloneAsync();
        _demoUntouched = true;
    }

    [OneTimeTearDown]
    public Task ReleaseFixtureDatabaseAsync() => StartsFromDemo ? TestDatabase.ReleaseDemoCloneAsync() : Task.CompletedTask;

    [SetUp]
    public async Task ResetDatabaseAsync()
    {
        if (!StartsFromDemo)
        {
            await TestDatabase.ResetAsync();
            return;
        }
        // The fresh clone is the demo already; every later test puts it back.
        if (!_demoUntouched) await TestDatabase.RestoreDemoAsync();
        _demoUntouched = false;
    }

    protected static async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var conn = await Db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected static async Task ExecuteAsAsync(Actor actor, string sql, params object[] args)
    {
        await using var tx = await Db.BeginAsAsync(actor);
        await using var cmd = new NpgsqlCommand(sql, tx.Connection, tx.Transaction);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }
}
