using Dapper;
using Npgsql;

namespace EKIS.Reporting.Features.Demo;

/// <summary>The demo accounts (db/seed/0005_demo_accounts.sql) present in this database, for the start-up log.</summary>
public sealed class DemoAccounts(NpgsqlDataSource db)
{
    public const string Password = "Demo2026!";
    private static readonly string[] Logins = ["admin", "analyst", "operator", "director", "teacher", "director7"];

    public sealed record Account(string Login, string Role, string? Unit);

    public async Task<IReadOnlyList<Account>> ListAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Account>(new CommandDefinition("""
            SELECT u.login, a.role, coalesce(o.short_name, o.name) AS Unit
            FROM ekis.app_user u
            JOIN ekis.role_assignment a ON a.user_id = u.id AND a.status = 'active'
            LEFT JOIN ekis.org_unit o ON o.id = a.org_unit_id
            WHERE u.login = ANY(@logins) AND u.status = 'active' AND u.password_hash IS NOT NULL
            ORDER BY array_position(@logins, u.login)
            """, new { logins = Logins }, cancellationToken: ct))).ToList();
    }
}
