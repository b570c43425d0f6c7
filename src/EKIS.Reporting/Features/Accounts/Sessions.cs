using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// What a signed-in session may do, re-read from the database on every request: a deactivated
/// person, a changed password (security stamp), a terminated assignment or a session ended by
/// signing out ends access at once.
/// </summary>
/// <remarks>
/// Every sign-in is a row of <c>ekis.user_session</c> whose id the cookie carries. Signing out closes
/// the row, so a copy of the cookie (another browser, a stolen file, a 14-day «Запомнить меня»)
/// stops working with the original (issue 10, point 8). No session outlives <see cref="MaxLifetime"/>,
/// however often a sliding cookie is renewed.
/// </remarks>
public sealed class Sessions(NpgsqlDataSource db)
{
    /// <summary>The longest a session lasts (the «Запомнить меня» cookie's lifetime).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(14);

    // The session row must be open, the person's and young enough; joined into both checks below.
    private const string OpenSessionCondition = """
        EXISTS (SELECT 1 FROM ekis.user_session s
                WHERE s.id = @sessionId AND s.user_id = @userId AND s.ended_at IS NULL AND s.created_at > now() - @maxLifetime)
        """;

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
    public async Task<AccessScope?> ValidateAsync(long userId, Guid securityStamp, Guid sessionId, long assignmentId, CancellationToken ct = default)
    {
        // One round trip per request: this runs for every request that carries the cookie.
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(string FullName, long Id, string Role, long? OrgUnitId, string? OrgUnitName)>(new CommandDefinition($"""
            SELECT p.full_name, a.id, a.role, a.org_unit_id, coalesce(u.short_name, u.name)
            FROM ekis.role_assignment a
            JOIN ekis.app_user p ON p.id = a.user_id AND p.status = 'active' AND p.security_stamp = @securityStamp
            LEFT JOIN ekis.org_unit u ON u.id = a.org_unit_id
            WHERE a.id = @assignmentId AND a.user_id = @userId AND a.status = 'active'
              AND a.starts_on <= current_date AND (a.ends_on IS NULL OR a.ends_on >= current_date)
              AND {OpenSessionCondition}
            """, new { userId, securityStamp, sessionId, assignmentId, maxLifetime = MaxLifetime }, cancellationToken: ct));
        return row.FullName is null ? null : new AccessScope(userId, row.FullName, row.Id, row.Role, row.OrgUnitId, row.OrgUnitName);
    }

    /// <summary>Whether the person is still active with this stamp and session (a session before a role is chosen).</summary>
    public async Task<bool> IsCurrentAsync(long userId, Guid securityStamp, Guid sessionId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition($"""
            SELECT EXISTS (SELECT 1 FROM ekis.app_user WHERE id = @userId AND status = 'active' AND security_stamp = @securityStamp)
               AND {OpenSessionCondition}
            """, new { userId, securityStamp, sessionId, maxLifetime = MaxLifetime }, cancellationToken: ct));
    }

    /// <summary>Opens a session at sign-in; the cookie carries the returned id. The person's ended and outlived sessions are cleared away.</summary>
    public async Task<Guid> StartAsync(long userId, bool persistent, string? clientAddress, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ekis.user_session WHERE user_id = @userId AND (ended_at IS NOT NULL OR created_at <= now() - @maxLifetime)",
            new { userId, maxLifetime = MaxLifetime }, cancellationToken: ct));
        return await conn.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "INSERT INTO ekis.user_session (user_id, persistent, client_address) VALUES (@userId, @persistent, @clientAddress) RETURNING id",
            new { userId, persistent, clientAddress }, cancellationToken: ct));
    }

    /// <summary>Signing out: ends this session, or with <paramref name="everywhere"/> every open session of the person.</summary>
    public async Task<int> EndAsync(long userId, Guid sessionId, bool everywhere, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.user_session SET ended_at = now(), ended_reason = CASE WHEN @everywhere THEN 'signed_out_everywhere' ELSE 'signed_out' END
            WHERE user_id = @userId AND ended_at IS NULL AND (@everywhere OR id = @sessionId)
            """, new { userId, sessionId, everywhere }, cancellationToken: ct));
    }
}
