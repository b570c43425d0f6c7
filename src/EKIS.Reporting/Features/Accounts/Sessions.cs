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
        await using var conn = await db.OpenConnectionAsync(ct);
        var user = await conn.QuerySingleOrDefaultAsync<(string FullName, Guid Stamp, string Status)>(new CommandDefinition(
            "SELECT full_name, security_stamp, status FROM ekis.app_user WHERE id = @userId", new { userId }, cancellationToken: ct));
        if (user.FullName is null || user.Status != "active" || user.Stamp != securityStamp) return null;
        var a = await conn.QuerySingleOrDefaultAsync<Assignment>(new CommandDefinition(
            ActiveAssignmentSql + " AND a.id = @assignmentId", new { userId, assignmentId }, cancellationToken: ct));
        return a is null ? null : new AccessScope(userId, user.FullName, a.Id, a.Role, a.OrgUnitId, a.OrgUnitName);
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
