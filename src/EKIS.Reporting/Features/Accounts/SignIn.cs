using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// Checks a login and password. Failures are counted per login text (existing or not); after
/// <see cref="MaxFailures"/> in a row the login is locked for <see cref="LockoutDuration"/>. The
/// messages never say whether a login exists.
/// </summary>
/// <remarks>
/// An attempt is reserved before its password is verified, in one statement that also refuses a
/// locked login: parallel clients each get their own place in the count, so at most
/// <see cref="MaxFailures"/> passwords are ever verified per lockout window (issue 10: 16 clients
/// had 377 verified in 20 s). A failure never lifts a lock; only a success or the lock running out
/// starts the count again.
/// </remarks>
public sealed class SignIn(NpgsqlDataSource db, TimeProvider? clock = null)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public const string WrongCredentials = "Неверный логин или пароль.";

    public sealed record Result(bool Succeeded, long? UserId, string? Login, string? FullName, Guid? SecurityStamp, string? Error, DateTime? LockedUntil);

    private sealed record UserRow(long Id, string Login, string FullName, string? PasswordHash, string Status, Guid SecurityStamp);

    // The attempt's number since the count last started, or no row when the login is locked. An
    // expired lock starts a new count. The row lock of the upsert serialises parallel attempts.
    private const string ReserveSql = """
        INSERT INTO ekis.sign_in_throttle AS t (login_key, failures, last_failure_at) VALUES (@key, 1, now())
        ON CONFLICT (login_key) DO UPDATE
           SET failures = CASE WHEN t.locked_until IS NOT NULL THEN 1 ELSE t.failures + 1 END,
               locked_until = NULL,
               last_failure_at = now()
         WHERE t.locked_until IS NULL OR t.locked_until <= now()
        RETURNING failures
        """;

    public async Task<Result> AttemptAsync(string? login, string? password, string? clientAddress, CancellationToken ct = default)
    {
        var key = (login ?? "").Trim().ToLowerInvariant();
        if (key.Length == 0 || key.Length > 64 || string.IsNullOrEmpty(password))
            return Fail(WrongCredentials);

        await using var conn = await db.OpenConnectionAsync(ct);
        var attempt = await conn.ExecuteScalarAsync<int?>(new CommandDefinition(ReserveSql, new { key }, cancellationToken: ct));
        if (attempt is null || attempt > MaxFailures)
        {
            // Locked, or the window's attempts are all taken by others still in flight: refused unverified.
            var (until, setNow) = await LockAsync(conn, key, ct);
            await SecurityAudit.RecordAsync(conn, null, setNow ? SecurityAudit.Events.LockedOut : SecurityAudit.Events.SignInWhileLocked,
                null, key, clientAddress, "anonymous", setNow ? new { minutes = LockoutDuration.TotalMinutes } : null, ct);
            return until is null ? Fail(WrongCredentials) : Locked(until.Value);
        }

        var user = await conn.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            "SELECT id, login, full_name AS FullName, password_hash AS PasswordHash, status, security_stamp AS SecurityStamp FROM ekis.app_user WHERE lower(login) = @key",
            new { key }, cancellationToken: ct));
        var verdict = Passwords.Verify(user?.PasswordHash, password);

        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.SignInFailed, user?.Id, key, clientAddress, "anonymous",
                new { failures = attempt }, ct);
            if (attempt == MaxFailures)
            {
                var (until, setNow) = await LockAsync(conn, key, ct);
                if (setNow)
                    await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.LockedOut, user?.Id, key, clientAddress, "anonymous",
                        new { minutes = LockoutDuration.TotalMinutes }, ct);
                return until is null ? Fail(WrongCredentials) : Locked(until.Value);
            }
            return Fail(WrongCredentials);
        }

        if (user.Status != "active")
        {
            await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.SignInFailed, user.Id, key, clientAddress, "anonymous", new { reason = "deactivated" }, ct);
            return Fail("Личный кабинет отключён. Обратитесь к администратору.");
        }

        // A success starts the count again (and ends a lock set meanwhile by attempts beyond the window).
        await conn.ExecuteAsync(new CommandDefinition("DELETE FROM ekis.sign_in_throttle WHERE login_key = @key", new { key }, cancellationToken: ct));
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE ekis.app_user SET password_hash = @hash WHERE id = @id", new { hash = Passwords.Hash(password), id = user.Id }, cancellationToken: ct));
        }
        await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.SignInSucceeded, user.Id, user.Login, clientAddress, $"user:{user.Id}", ct: ct);
        return new Result(true, user.Id, user.Login, user.FullName, user.SecurityStamp, null, null);
    }

    /// <summary>
    /// Locks the login unless a lock is already running. Returns when the lock ends and whether this
    /// call set it; no end when a success elsewhere has just started the count again.
    /// </summary>
    private static async Task<(DateTime? Until, bool SetNow)> LockAsync(NpgsqlConnection conn, string key, CancellationToken ct)
    {
        var set = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition("""
            UPDATE ekis.sign_in_throttle SET locked_until = now() + @lockout, failures = 0
            WHERE login_key = @key AND (locked_until IS NULL OR locked_until <= now())
            RETURNING locked_until
            """, new { key, lockout = LockoutDuration }, cancellationToken: ct));
        if (set is not null) return (set, true);
        // A separate statement, so that it sees a lock committed by a parallel attempt meanwhile.
        var running = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT locked_until FROM ekis.sign_in_throttle WHERE login_key = @key AND locked_until > now()", new { key }, cancellationToken: ct));
        return (running, false);
    }

    private static Result Fail(string error) => new(false, null, null, null, null, error, null);

    private Result Locked(DateTime until)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling((until - (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime).TotalMinutes));
        return new Result(false, null, null, null, null,
            $"Слишком много неудачных попыток входа. Повторите через {minutes} мин. или восстановите пароль.", until);
    }
}
