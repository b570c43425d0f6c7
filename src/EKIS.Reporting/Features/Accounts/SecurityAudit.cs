using System.Text.Json;
using Dapper;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>The security audit: sign-ins, lockouts, password links, role changes — who, when, from where.</summary>
public sealed class SecurityAudit(NpgsqlDataSource db)
{
    public static class Events
    {
        public const string SignInSucceeded = "sign_in_succeeded";
        public const string SignInFailed = "sign_in_failed";
        public const string LockedOut = "locked_out";
        public const string SignInWhileLocked = "sign_in_while_locked";
        public const string SignedOut = "signed_out";
        public const string ResetRequested = "password_reset_requested";
        public const string ResetLinkSent = "password_reset_link_sent";
        public const string ResetUsed = "password_reset_used";
        public const string InvitationSent = "invitation_sent";
        public const string InvitationAccepted = "invitation_accepted";
        public const string PasswordChanged = "password_changed";
        public const string RoleGranted = "role_granted";
        public const string RoleTerminated = "role_terminated";
        public const string RoleSwitched = "role_switched";
        public const string RightsChanged = "rights_changed";
        public const string UserCreated = "user_created";
        public const string UserDeactivated = "user_deactivated";

        public static string Title(string e) => e switch
        {
            SignInSucceeded => "Успешный вход",
            SignInFailed => "Неудачный вход",
            LockedOut => "Блокировка после неудачных попыток",
            SignInWhileLocked => "Попытка входа при блокировке",
            SignedOut => "Выход",
            ResetRequested => "Запрошено восстановление пароля",
            ResetLinkSent => "Отправлена ссылка для восстановления пароля",
            ResetUsed => "Пароль восстановлен по ссылке",
            InvitationSent => "Отправлено приглашение",
            InvitationAccepted => "Приглашение принято",
            PasswordChanged => "Пароль изменён",
            RoleGranted => "Назначена роль",
            RoleTerminated => "Роль прекращена",
            RoleSwitched => "Переключение роли",
            RightsChanged => "Изменены права сотрудника",
            UserCreated => "Создана учётная запись",
            UserDeactivated => "Личный кабинет отключён",
            _ => e,
        };
    }

    public sealed record Entry(long Id, DateTime OccurredAt, string Event, long? UserId, string? Login, string? ClientAddress, string Actor, string Details);

    public sealed record Page(IReadOnlyList<Entry> Items, int Total, int PageNumber, int PageSize)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    public async Task RecordAsync(string @event, long? userId, string? login, string? clientAddress, string actor, object? details = null, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await RecordAsync(conn, null, @event, userId, login, clientAddress, actor, details, ct);
    }

    public static Task RecordAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string @event, long? userId, string? login, string? clientAddress, string actor, object? details = null, CancellationToken ct = default) =>
        conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ekis.security_event (event, user_id, login, client_address, actor, details)
            VALUES (@event, @userId, @login, @clientAddress, @actor, CAST(@details AS jsonb))
            """, new { @event, userId, login, clientAddress, actor, details = JsonSerializer.Serialize(details ?? new { }) }, tx, cancellationToken: ct));

    public async Task<Page> ListAsync(string? login, string? @event, int page, int pageSize = 50, CancellationToken ct = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 10, 200);
        await using var conn = await db.OpenConnectionAsync(ct);
        var args = new { login = string.IsNullOrWhiteSpace(login) ? null : login.Trim().ToLowerInvariant(), @event = string.IsNullOrWhiteSpace(@event) ? null : @event, offset = (page - 1) * pageSize, pageSize };
        const string where = "WHERE (@login::text IS NULL OR lower(login) = @login) AND (@event::text IS NULL OR event = @event)";
        var total = await conn.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*) FROM ekis.security_event " + where, args, cancellationToken: ct));
        var items = await conn.QueryAsync<Entry>(new CommandDefinition($"""
            SELECT id, occurred_at AS OccurredAt, event, user_id AS UserId, login, client_address AS ClientAddress, actor, details::text AS Details
            FROM ekis.security_event {where}
            ORDER BY occurred_at DESC, id DESC OFFSET @offset LIMIT @pageSize
            """, args, cancellationToken: ct));
        return new Page(items.ToList(), total, page, pageSize);
    }
}
