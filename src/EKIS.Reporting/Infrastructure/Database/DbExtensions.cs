using EKIS.Reporting.Infrastructure.Actors;
using Npgsql;

namespace EKIS.Reporting.Infrastructure.Database;

public static class DbExtensions
{
    /// <summary>
    /// Opens a connection and a transaction that records <paramref name="actor"/> as the author of
    /// every change made in it: the database reads <c>current_setting('ekis.actor')</c> in its
    /// "who" columns and audit rows, and those columns refuse NULL, so an unattributed change fails.
    /// </summary>
    public static async Task<ActorTransaction> BeginAsAsync(this NpgsqlDataSource db, Actor actor, CancellationToken ct = default)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct);
            await using (var cmd = new NpgsqlCommand("SELECT set_config('ekis.actor', $1, true)", conn, tx))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = actor.Key });
                await cmd.ExecuteNonQueryAsync(ct);
            }
            return new ActorTransaction(conn, tx);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A connection with an open transaction attributed to an actor. Dispose without commit rolls back.</summary>
public sealed class ActorTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public NpgsqlConnection Connection { get; } = connection;
    public NpgsqlTransaction Transaction { get; } = transaction;

    public Task CommitAsync(CancellationToken ct = default) => Transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
