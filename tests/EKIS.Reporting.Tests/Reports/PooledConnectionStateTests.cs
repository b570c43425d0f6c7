using Dapper;
using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;
using Npgsql;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>
/// Issue 6 "Benchmarks" (deadline rush): the application's data source does not reset a pooled
/// connection before reusing it (<see cref="EkisCoreRegistration.CreateDataSource"/>), which is only
/// safe while everything it sets is transaction-local. The author of a change is the one that matters.
/// </summary>
public sealed class PooledConnectionStateTests : DatabaseTest
{
    [Test]
    public async Task The_application_data_source_skips_the_reset_unless_told_otherwise()
    {
        await using var shipped = EkisCoreRegistration.CreateDataSource(TestDatabase.ConnectionString);
        await using var told = EkisCoreRegistration.CreateDataSource(TestDatabase.ConnectionString + ";No Reset On Close=false");
        Assert.Multiple(() =>
        {
            Assert.That(new NpgsqlConnectionStringBuilder(shipped.ConnectionString).NoResetOnClose, Is.True);
            Assert.That(new NpgsqlConnectionStringBuilder(told.ConnectionString).NoResetOnClose, Is.False);
        });
    }

    [Test]
    public async Task A_change_on_a_reused_connection_without_an_actor_still_fails()
    {
        // One connection in the pool, so the second use gets the very connection the first one attributed.
        await using var db = EkisCoreRegistration.CreateDataSource(
            new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        int firstBackend;
        await using (var tx = await db.BeginAsAsync(Actor.System("pool-test")))
        {
            firstBackend = await tx.Connection.ExecuteScalarAsync<int>("SELECT pg_backend_pid()", transaction: tx.Transaction);
            await tx.Connection.ExecuteAsync("INSERT INTO ekis.audit_event (action, entity) VALUES ('pool-test', 'test')", transaction: tx.Transaction);
            await tx.CommitAsync();
        }

        await using var conn = await db.OpenConnectionAsync();
        var secondBackend = await conn.ExecuteScalarAsync<int>("SELECT pg_backend_pid()");
        var actorNow = await conn.ExecuteScalarAsync<string?>("SELECT ekis.current_actor()");
        var unattributed = Assert.ThrowsAsync<PostgresException>(() =>
            conn.ExecuteAsync("INSERT INTO ekis.audit_event (action, entity) VALUES ('pool-test-anonymous', 'test')"));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(secondBackend, Is.EqualTo(firstBackend), "the same server connection was reused");
            Assert.That(actorNow, Is.Null, "the actor ended with its transaction");
            Assert.That(unattributed?.SqlState, Is.EqualTo(PostgresErrorCodes.NotNullViolation));
            Assert.That(await ScalarAsync<string>("SELECT string_agg(action || '/' || actor, ',') FROM ekis.audit_event WHERE action LIKE 'pool-test%'"),
                Is.EqualTo("pool-test/system:pool-test"));
        });
    }
}
