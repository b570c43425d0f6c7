using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// Accounts and role assignments as administrators and analysts manage them. Who may grant what:
/// an administrator any role; an analyst directors, employees and municipal operators;
/// a director only employees of their organisation (see <see cref="Staff"/>).
/// </summary>
public sealed class Users(NpgsqlDataSource db, PasswordLinks links)
{
    public sealed record NewUser(string Login, string FullName, string? Email, string? Password);

    public sealed record Created(long UserId, string? InvitationLink, string? MailedTo);

    /// <summary>
    /// One row of the account list. Properties, not a positional record: Dapper fills a positional
    /// record only when the SELECT lists its columns in the constructor's order, and this list once
    /// answered 500 because <c>created_at</c> and <c>roles</c> were swapped (issue 10, point 7).
    /// Properties are matched by name, whatever the order of the columns.
    /// </summary>
    public sealed record Summary
    {
        public required long Id { get; init; }
        public required string Login { get; init; }
        public required string FullName { get; init; }
        public string? Email { get; init; }
        public required string Status { get; init; }
        public required string Roles { get; init; }
        public required DateTime CreatedAt { get; init; }
    }

    public sealed record AssignmentRow(long Id, string Role, long? OrgUnitId, string? OrgUnitName, string Status, DateOnly StartsOn, DateOnly? EndsOn, string GrantedBy, DateTime GrantedAt, string? Rights);

    public sealed record Details(long Id, string Login, string FullName, string? Email, string Status, bool HasPassword, IReadOnlyList<AssignmentRow> Assignments);

    public sealed record Page(IReadOnlyList<Summary> Items, int Total, int PageNumber, int PageSize)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    public static readonly IReadOnlyDictionary<string, string> SortColumns = new Dictionary<string, string>
    {
        ["login"] = "u.login", ["name"] = "u.full_name", ["created"] = "u.created_at", ["status"] = "u.status",
    };

    /// <summary>Validates and creates an account; without a password, an invitation link is issued (and mailed when there is an e-mail).</summary>
    public async Task<(Created? Created, IReadOnlyList<string> Problems)> CreateAsync(NewUser user, Actor actor, CancellationToken ct = default)
    {
        var problems = new List<string>();
        var login = (user.Login ?? "").Trim();
        if (!System.Text.RegularExpressions.Regex.IsMatch(login, "^[A-Za-z0-9._@-]{3,64}$"))
            problems.Add("Логин: от 3 до 64 латинских букв, цифр и знаков . _ @ -.");
        if (string.IsNullOrWhiteSpace(user.FullName) || user.FullName.Length > 200)
            problems.Add("Укажите ФИО (не длиннее 200 символов).");
        var email = string.IsNullOrWhiteSpace(user.Email) ? null : user.Email.Trim();
        if (email is not null && !System.Text.RegularExpressions.Regex.IsMatch(email, @"^[^@\s]+@[^@\s]+\.[^@\s]+$"))
            problems.Add("Адрес электронной почты указан неверно.");
        if (user.Password is not null && Passwords.Problem(user.Password, login) is { } pw)
            problems.Add(pw);
        if (problems.Count > 0) return (null, problems);

        await using var tx = await db.BeginAsAsync(actor, ct);
        var exists = await tx.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM ekis.app_user WHERE lower(login) = lower(@login))", new { login }, tx.Transaction, cancellationToken: ct));
        if (exists) return (null, [$"Логин «{login}» уже занят."]);

        var id = await tx.Connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO ekis.app_user (login, full_name, email, password_hash) VALUES (@login, @name, @email, @hash) RETURNING id
            """, new { login, name = user.FullName.Trim(), email, hash = user.Password is null ? null : Passwords.Hash(user.Password) }, tx.Transaction, cancellationToken: ct));
        await SecurityAudit.RecordAsync(tx.Connection, tx.Transaction, SecurityAudit.Events.UserCreated, id, login, null, actor.Key, ct: ct);
        await tx.CommitAsync(ct);

        if (user.Password is not null) return (new Created(id, null, null), []);
        var invitation = await links.SendInvitationAsync(id, actor.Key, ct);
        return (new Created(id, invitation.Link, invitation.MailedTo), []);
    }

    /// <summary>May <paramref name="granter"/> give <paramref name="role"/>? Null when yes, else why not.</summary>
    public static string? GrantProblem(AccessScope? granter, string role)
    {
        if (!Roles.All.Contains(role)) return "Неизвестная роль.";
        if (granter is null || granter.IsAdmin) return null; // the CLI (no scope) and administrators
        if (granter.Role == Roles.RegionalAnalyst && role is Roles.Director or Roles.Employee or Roles.MunicipalOperator) return null;
        return "Ваша роль не позволяет назначать эту роль.";
    }

    /// <summary>Grants a role on a unit (checked: the unit's level fits the role and lies in the granter's scope).</summary>
    public async Task<string?> GrantAsync(long userId, string role, long? orgUnitId, AccessScope? granter, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        if (GrantProblem(granter, role) is { } problem) return problem;
        await using var tx = await db.BeginAsAsync(actor, ct);
        var conn = tx.Connection;
        var login = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT login FROM ekis.app_user WHERE id = @userId", new { userId }, tx.Transaction, cancellationToken: ct));
        if (login is null) return "Учётная запись не найдена.";
        if (role == Roles.Admin)
        {
            orgUnitId = null;
        }
        else
        {
            var level = orgUnitId is null ? null : await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT level FROM ekis.org_unit WHERE id = @orgUnitId", new { orgUnitId }, tx.Transaction, cancellationToken: ct));
            if (level is null || !Roles.UnitLevels(role).Contains(level))
                return $"Для роли «{Roles.Title(role)}» выберите {(role switch { Roles.MunicipalOperator => "муниципалитет", Roles.RegionalAnalyst => "регион", _ => "организацию или филиал" })}.";
            if (granter is not null && !granter.IsAdmin)
            {
                var inScope = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "SELECT EXISTS (SELECT 1 FROM ekis.units_in_scope(@role, @unit) s WHERE s.id = @target)",
                    new { role = granter.Role, unit = granter.OrgUnitId, target = orgUnitId }, tx.Transaction, cancellationToken: ct));
                if (!inScope) return "Организация вне вашей зоны ответственности.";
            }
        }
        var already = await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM ekis.role_assignment WHERE user_id = @userId AND role = @role
                           AND coalesce(org_unit_id, 0) = coalesce(@orgUnitId, 0) AND status = 'active')
            """, new { userId, role, orgUnitId }, tx.Transaction, cancellationToken: ct));
        if (already) return "Эта роль уже назначена.";
        var id = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO ekis.role_assignment (user_id, role, org_unit_id) VALUES (@userId, @role, @orgUnitId) RETURNING id",
            new { userId, role, orgUnitId }, tx.Transaction, cancellationToken: ct));
        if (role == Roles.Employee)
        {
            await conn.ExecuteAsync(new CommandDefinition(
                "INSERT INTO ekis.assignment_right (assignment_id, \"right\") VALUES (@id, 'fill')", new { id }, tx.Transaction, cancellationToken: ct));
        }
        await SecurityAudit.RecordAsync(conn, tx.Transaction, SecurityAudit.Events.RoleGranted, userId, login, clientAddress, actor.Key,
            new { assignment = id, role, orgUnitId }, ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>Ends an assignment now; the person loses its access on their next request.</summary>
    public async Task<bool> TerminateAsync(long assignmentId, AccessScope? terminator, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var row = await tx.Connection.QuerySingleOrDefaultAsync<(long UserId, string Role, long? OrgUnitId, string Login)>(new CommandDefinition("""
            SELECT a.user_id, a.role, a.org_unit_id, u.login FROM ekis.role_assignment a JOIN ekis.app_user u ON u.id = a.user_id
            WHERE a.id = @assignmentId AND a.status = 'active' FOR UPDATE OF a
            """, new { assignmentId }, tx.Transaction, cancellationToken: ct));
        if (row.Login is null) return false;
        if (GrantProblem(terminator, row.Role) is not null) return false;
        if (terminator is not null && !terminator.IsAdmin && row.OrgUnitId is not null)
        {
            var inScope = await tx.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM ekis.units_in_scope(@role, @unit) s WHERE s.id = @target)",
                new { role = terminator.Role, unit = terminator.OrgUnitId, target = row.OrgUnitId }, tx.Transaction, cancellationToken: ct));
            if (!inScope) return false;
        }
        await tx.Connection.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.role_assignment SET status = 'terminated', terminated_at = now(), terminated_by = ekis.current_actor(),
                   ends_on = greatest(starts_on, current_date)
            WHERE id = @assignmentId
            """, new { assignmentId }, tx.Transaction, cancellationToken: ct));
        await SecurityAudit.RecordAsync(tx.Connection, tx.Transaction, SecurityAudit.Events.RoleTerminated, row.UserId, row.Login, clientAddress, actor.Key,
            new { assignment = assignmentId, role = row.Role, orgUnitId = row.OrgUnitId }, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>«Отключить личный кабинет»: access ends at once; authorship and history stay.</summary>
    public async Task<bool> DeactivateAsync(long userId, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var login = await tx.Connection.ExecuteScalarAsync<string?>(new CommandDefinition("""
            UPDATE ekis.app_user SET status = 'deactivated', security_stamp = gen_random_uuid(), updated_at = now(), updated_by = ekis.current_actor()
            WHERE id = @userId AND status = 'active' RETURNING login
            """, new { userId }, tx.Transaction, cancellationToken: ct));
        if (login is null) return false;
        await SecurityAudit.RecordAsync(tx.Connection, tx.Transaction, SecurityAudit.Events.UserDeactivated, userId, login, clientAddress, actor.Key, ct: ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<Page> ListAsync(string? search, string? sort, bool descending, int page, int pageSize = 25, CancellationToken ct = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 10, 200);
        // The ORDER BY column comes from a fixed whitelist, never from the request text itself.
        var orderBy = SortColumns.GetValueOrDefault(sort ?? "", "u.login") + (descending ? " DESC" : " ASC");
        var args = new { q = string.IsNullOrWhiteSpace(search) ? null : "%" + search.Trim().ToLowerInvariant().Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%", offset = (page - 1) * pageSize, pageSize };
        const string where = "WHERE (@q::text IS NULL OR lower(u.login) LIKE @q OR lower(u.full_name) LIKE @q OR lower(coalesce(u.email, '')) LIKE @q)";
        await using var conn = await db.OpenConnectionAsync(ct);
        var total = await conn.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*) FROM ekis.app_user u " + where, args, cancellationToken: ct));
        var items = await conn.QueryAsync<Summary>(new CommandDefinition($"""
            SELECT u.id, u.login, u.full_name AS FullName, u.email, u.status, u.created_at AS CreatedAt,
                   coalesce((SELECT string_agg(a.role, ', ' ORDER BY a.role) FROM ekis.role_assignment a WHERE a.user_id = u.id AND a.status = 'active'), '') AS Roles
            FROM ekis.app_user u {where}
            ORDER BY {orderBy}, u.id OFFSET @offset LIMIT @pageSize
            """, args, cancellationToken: ct));
        return new Page(items.ToList(), total, page, pageSize);
    }

    public async Task<Details?> GetAsync(long userId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var u = await conn.QuerySingleOrDefaultAsync<(long Id, string Login, string FullName, string? Email, string Status, bool HasPassword)>(new CommandDefinition(
            "SELECT id, login, full_name, email, status, password_hash IS NOT NULL FROM ekis.app_user WHERE id = @userId", new { userId }, cancellationToken: ct));
        if (u.Login is null) return null;
        var assignments = await conn.QueryAsync<AssignmentRow>(new CommandDefinition("""
            SELECT a.id, a.role, a.org_unit_id AS OrgUnitId, o.name AS OrgUnitName, a.status, a.starts_on AS StartsOn, a.ends_on AS EndsOn,
                   a.granted_by AS GrantedBy, a.granted_at AS GrantedAt,
                   (SELECT string_agg(r."right", ', ' ORDER BY r."right") FROM ekis.assignment_right r WHERE r.assignment_id = a.id) AS Rights
            FROM ekis.role_assignment a LEFT JOIN ekis.org_unit o ON o.id = a.org_unit_id
            WHERE a.user_id = @userId ORDER BY a.status, a.granted_at DESC
            """, new { userId }, cancellationToken: ct));
        return new Details(u.Id, u.Login, u.FullName, u.Email, u.Status, u.HasPassword, assignments.ToList());
    }
}
