using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// Delegation inside a school: the director creates employees' accounts and grants or revokes their
/// rights on the organisation's forms (fill in / submit). Everything is limited to the director's
/// organisation and its branches; an assignment outside it is "not found".
/// </summary>
public sealed class Staff(NpgsqlDataSource db, Users users)
{
    public sealed record Employee(long AssignmentId, long UserId, string Login, string FullName, string? Email, string UserStatus,
        string OrgUnitName, bool CanFill, bool CanSubmit, DateTime GrantedAt);

    public sealed record NewEmployee(string Login, string FullName, string? Email, long? OrgUnitId, bool CanFill, bool CanSubmit);

    public static bool IsDirector(AccessScope scope) => scope.Role == Roles.Director && scope.OrgUnitId is not null;

    public async Task<IReadOnlyList<Employee>> ListAsync(AccessScope director, CancellationToken ct = default)
    {
        if (!IsDirector(director)) return [];
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Employee>(new CommandDefinition("""
            SELECT a.id AS AssignmentId, u.id AS UserId, u.login, u.full_name AS FullName, u.email, u.status AS UserStatus,
                   coalesce(o.short_name, o.name) AS OrgUnitName,
                   EXISTS (SELECT 1 FROM ekis.assignment_right r WHERE r.assignment_id = a.id AND r."right" = 'fill') AS CanFill,
                   EXISTS (SELECT 1 FROM ekis.assignment_right r WHERE r.assignment_id = a.id AND r."right" = 'submit') AS CanSubmit,
                   a.granted_at AS GrantedAt
            FROM ekis.role_assignment a
            JOIN ekis.app_user u ON u.id = a.user_id
            JOIN ekis.org_unit o ON o.id = a.org_unit_id
            WHERE a.role = 'employee' AND a.status = 'active'
              AND a.org_unit_id IN (SELECT id FROM ekis.units_in_scope('director', @unit))
            ORDER BY u.full_name
            """, new { unit = director.OrgUnitId }, cancellationToken: ct))).ToList();
    }

    public async Task<Employee?> FindAsync(AccessScope director, long assignmentId, CancellationToken ct = default) =>
        (await ListAsync(director, ct)).FirstOrDefault(e => e.AssignmentId == assignmentId);

    public async Task<(Users.Created? Created, IReadOnlyList<string> Problems)> CreateEmployeeAsync(AccessScope director, NewEmployee e, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        if (!IsDirector(director)) return (null, ["Создавать сотрудников может только руководитель организации."]);
        var unit = e.OrgUnitId ?? director.OrgUnitId!.Value;
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            var inScope = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM ekis.units_in_scope('director', @d) s WHERE s.id = @unit)", new { d = director.OrgUnitId, unit }, cancellationToken: ct));
            if (!inScope) return (null, ["Организация вне вашей зоны ответственности."]);
        }
        var (created, problems) = await users.CreateAsync(new Users.NewUser(e.Login, e.FullName, e.Email, null), actor, ct);
        if (created is null) return (null, problems);
        // A director grants an employee role on their own unit; Users.GrantAsync checks level and scope.
        var grantProblem = await users.GrantAsync(created.UserId, Roles.Employee, unit, null, actor, clientAddress, ct);
        if (grantProblem is not null) return (null, [grantProblem]);
        var assignmentId = await AssignmentOfAsync(created.UserId, unit, ct);
        await SetRightsAsync(director, assignmentId, e.CanFill, e.CanSubmit, actor, clientAddress, ct);
        return (created, []);
    }

    public async Task<bool> SetRightsAsync(AccessScope director, long assignmentId, bool canFill, bool canSubmit, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        var employee = await FindAsync(director, assignmentId, ct);
        if (employee is null) return false;
        await using var tx = await db.BeginAsAsync(actor, ct);
        string[] wanted = [.. canFill ? [Rights.Fill] : Array.Empty<string>(), .. canSubmit ? [Rights.Submit] : Array.Empty<string>()];
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ekis.assignment_right WHERE assignment_id = @assignmentId AND NOT (\"right\" = ANY(@wanted))",
            new { assignmentId, wanted }, tx.Transaction, cancellationToken: ct));
        await tx.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ekis.assignment_right (assignment_id, "right") SELECT @assignmentId, r FROM unnest(@wanted) AS r
            ON CONFLICT DO NOTHING
            """, new { assignmentId, wanted }, tx.Transaction, cancellationToken: ct));
        await SecurityAudit.RecordAsync(tx.Connection, tx.Transaction, SecurityAudit.Events.RightsChanged, employee.UserId, employee.Login, clientAddress, actor.Key,
            new { assignment = assignmentId, rights = wanted }, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> TerminateAsync(AccessScope director, long assignmentId, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        if (await FindAsync(director, assignmentId, ct) is null) return false;
        return await users.TerminateAsync(assignmentId, null, actor, clientAddress, ct);
    }

    private async Task<long> AssignmentOfAsync(long userId, long unit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT id FROM ekis.role_assignment WHERE user_id = @userId AND org_unit_id = @unit AND role = 'employee' AND status = 'active'",
            new { userId, unit }, cancellationToken: ct));
    }
}
