using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Tests.Support;

/// <summary>Base for tests on the real database: every test starts from empty application tables.</summary>
public abstract class DatabaseTest
{
    protected static NpgsqlDataSource Db => TestDatabase.DataSource;

    [SetUp]
    public Task ResetDatabaseAsync() => TestDatabase.ResetAsync();

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
