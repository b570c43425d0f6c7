using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// What a signed-in session may do, re-read from the database on every request: a deactivated
/// person, a changed password (security stamp) or a terminated assignment ends access at once.
/// </summary>
public sealed class Sessions(NpgsqlDataSource db)
{
    public sealed record Assignment(long Id, string Role, long? OrgUnitId, string? OrgUnitName, string? OrgUnitLevel)
    {
        public string Title => OrgUnitName is null ? Roles.Title(Role) : $"{Roles.Title(Role)} — {OrgUnitName}";
    }

    private const string ActiveAssignmentSql = """
        SELECT a.id, a.role, a.org_unit_id AS OrgUnitId, coalesce(u.short_name, u.name) AS OrgUnitName, u.level AS OrgUnitLevel
        FROM ekis.role_assignment a
        JOIN ekis.app_user p ON p.id = a.user_id AND p.status = 'active'
        LEFT JOIN ekis.org_unit u ON u.id = a.org_unit_id
        WHERE a.user_id = @userId AND a.status = 'active'
          AND a.starts_on <= current_date AND (a.ends_on IS NULL OR a.ends_on >= current_date)
        """;

    public async Task<IReadOnlyList<Assignment>> ActiveAssignmentsAsync(long userId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Assignment>(new CommandDefinition(
            ActiveAssignmentSql + " ORDER BY a.role, OrgUnitName", new { userId }, cancellationToken: ct))).ToList();
    }

    /// <summary>The scope of a session, or null when it no longer holds.</summary>
    public async Task<AccessScope?> ValidateAsync(long userId, Guid securityStamp, long assignmentId, CancellationToken ct = default)
    {
        // One round trip per request: this runs for every request that carries the cookie.
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(string FullName, long Id, string Role, long? OrgUnitId, string? OrgUnitName)>(new CommandDefinition("""
            SELECT p.full_name, a.id, a.role, a.org_unit_id, coalesce(u.short_name, u.name)
            FROM ekis.role_assignment a
            JOIN ekis.app_user p ON p.id = a.user_id AND p.status = 'active' AND p.security_stamp = @securityStamp
            LEFT JOIN ekis.org_unit u ON u.id = a.org_unit_id
            WHERE a.id = @assignmentId AND a.user_id = @userId AND a.status = 'active'
              AND a.starts_on <= current_date AND (a.ends_on IS NULL OR a.ends_on >= current_date)
            """, new { userId, securityStamp, assignmentId }, cancellationToken: ct));
        return row.FullName is null ? null : new AccessScope(userId, row.FullName, row.Id, row.Role, row.OrgUnitId, row.OrgUnitName);
    }

    /// <summary>Whether the person is still active with this stamp (a session before a role is chosen).</summary>
    public async Task<bool> IsCurrentAsync(long userId, Guid securityStamp, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM ekis.app_user WHERE id = @userId AND status = 'active' AND security_stamp = @securityStamp)",
            new { userId, securityStamp }, cancellationToken: ct));
    }
}
