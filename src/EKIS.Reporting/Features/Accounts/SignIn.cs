using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// Checks a login and password. Failures are counted per login text (existing or not); after
/// <see cref="MaxFailures"/> in a row the login is locked for <see cref="LockoutDuration"/>. The
/// messages never say whether a login exists.
/// </summary>
public sealed class SignIn(NpgsqlDataSource db)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public const string WrongCredentials = "Неверный логин или пароль.";

    public sealed record Result(bool Succeeded, long? UserId, string? Login, string? FullName, Guid? SecurityStamp, string? Error, DateTime? LockedUntil);

    private sealed record UserRow(long Id, string Login, string FullName, string? PasswordHash, string Status, Guid SecurityStamp);

    public async Task<Result> AttemptAsync(string? login, string? password, string? clientAddress, CancellationToken ct = default)
    {
        var key = (login ?? "").Trim().ToLowerInvariant();
        if (key.Length == 0 || key.Length > 64 || string.IsNullOrEmpty(password))
            return Fail(WrongCredentials);

        await using var conn = await db.OpenConnectionAsync(ct);
        var lockedUntil = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT locked_until FROM ekis.sign_in_throttle WHERE login_key = @key AND locked_until > now()", new { key }, cancellationToken: ct));
        if (lockedUntil is not null)
        {
            await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.SignInWhileLocked, null, key, clientAddress, "anonymous", ct: ct);
            return Locked(lockedUntil.Value);
        }

        var user = await conn.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            "SELECT id, login, full_name AS FullName, password_hash AS PasswordHash, status, security_stamp AS SecurityStamp FROM ekis.app_user WHERE lower(login) = @key",
            new { key }, cancellationToken: ct));
        var verdict = Passwords.Verify(user?.PasswordHash, password);

        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            var row = await conn.QuerySingleAsync<(int Failures, DateTime? LockedUntil)>(new CommandDefinition("""
                INSERT INTO ekis.sign_in_throttle AS t (login_key, failures, last_failure_at) VALUES (@key, 1, now())
                ON CONFLICT (login_key) DO UPDATE
                   SET failures = CASE WHEN t.locked_until IS NOT NULL THEN 1 ELSE t.failures + 1 END,
                       locked_until = NULL, last_failure_at = now()
                RETURNING failures, locked_until
                """, new { key }, cancellationToken: ct));
            await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.SignInFailed, user?.Id, key, clientAddress, "anonymous",
                new { failures = row.Failures }, ct);
            if (row.Failures >= MaxFailures)
            {
                var until = await conn.ExecuteScalarAsync<DateTime>(new CommandDefinition(
                    "UPDATE ekis.sign_in_throttle SET locked_until = now() + @lockout, failures = 0 WHERE login_key = @key RETURNING locked_until",
                    new { key, lockout = LockoutDuration }, cancellationToken: ct));
                await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.LockedOut, user?.Id, key, clientAddress, "anonymous",
                    new { minutes = LockoutDuration.TotalMinutes }, ct);
                return Locked(until);
            }
            return Fail(WrongCredentials);
        }

        if (user.Status != "active")
        {
            await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.SignInFailed, user.Id, key, clientAddress, "anonymous", new { reason = "deactivated" }, ct);
            return Fail("Личный кабинет отключён. Обратитесь к администратору.");
        }

        await conn.ExecuteAsync(new CommandDefinition("DELETE FROM ekis.sign_in_throttle WHERE login_key = @key", new { key }, cancellationToken: ct));
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE ekis.app_user SET password_hash = @hash WHERE id = @id", new { hash = Passwords.Hash(password), id = user.Id }, cancellationToken: ct));
        }
        await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.SignInSucceeded, user.Id, user.Login, clientAddress, $"user:{user.Id}", ct: ct);
        return new Result(true, user.Id, user.Login, user.FullName, user.SecurityStamp, null, null);
    }

    private static Result Fail(string error) => new(false, null, null, null, null, error, null);

    private static Result Locked(DateTime until)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling((until - DateTime.UtcNow).TotalMinutes));
        return new Result(false, null, null, null, null,
            $"Слишком много неудачных попыток входа. Повторите через {minutes} мин. или восстановите пароль.", until);
    }
}
