using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>A signed-in person changes their password; other sessions end (new security stamp).</summary>
public sealed class PasswordChange(NpgsqlDataSource db)
{
    public sealed record Result(string? Error, Guid? NewStamp);

    public async Task<Result> ChangeAsync(long userId, string? current, string? next, string? clientAddress, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var user = await conn.QuerySingleOrDefaultAsync<(string Login, string? Hash)>(new CommandDefinition(
            "SELECT login, password_hash FROM ekis.app_user WHERE id = @userId AND status = 'active'", new { userId }, cancellationToken: ct));
        if (user.Login is null) return new Result("Учётная запись не найдена или отключена.", null);
        if (Passwords.Verify(user.Hash, current ?? "") == PasswordVerificationResult.Failed)
            return new Result("Текущий пароль указан неверно.", null);
        if (Passwords.Problem(next, user.Login) is { } problem) return new Result(problem, null);
        if (next == current) return new Result("Новый пароль должен отличаться от текущего.", null);

        var actor = $"user:{userId}";
        var stamp = await conn.ExecuteScalarAsync<Guid>(new CommandDefinition("""
            UPDATE ekis.app_user SET password_hash = @hash, security_stamp = gen_random_uuid(), updated_at = now(), updated_by = @actor
            WHERE id = @userId RETURNING security_stamp
            """, new { hash = Passwords.Hash(next!), userId, actor }, cancellationToken: ct));
        await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.PasswordChanged, userId, user.Login, clientAddress, actor, ct: ct);
        return new Result(null, stamp);
    }
}
