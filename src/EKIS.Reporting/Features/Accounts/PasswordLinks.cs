using System.Security.Cryptography;
using System.Text;
using Dapper;
using EKIS.Reporting.Infrastructure.Mail;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// Single-use, expiring links to set a password: «Я не помню пароль» (reset, 1 hour, requested
/// through <see cref="PasswordRecovery"/>) and invitations of new accounts (7 days). Only a SHA-256
/// of the token is stored, and a new link of a person revokes the older ones still open.
/// </summary>
public sealed class PasswordLinks(NpgsqlDataSource db, IMailSender mail, MailOptions mailOptions)
{
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);
    public const string InvalidLink = "Ссылка недействительна: она уже использована или срок её действия истёк. Запросите новую.";

    public sealed record Issued(string Token, string Link, DateTime ExpiresAt, string? MailedTo);

    public sealed record LinkInfo(long UserId, string Login, string FullName, string Purpose);

    /// <summary>Issues a link; every older link of the person that is still open stops working (only the newest mail counts).</summary>
    public async Task<Issued> IssueAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long userId, string purpose, CancellationToken ct)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var lifetime = purpose == "invite" ? InvitationLifetime : ResetLifetime;
        // Two links issued at once (two reset jobs on two workers) must not both stay open: the
        // person's row is locked first, so the second issuer's revoking statement starts after the
        // first one committed and sees its link. Without the lock each revoked only what it could
        // see and both new links lived (seen in PasswordRecoveryTests under load).
        await using var own = tx is null ? await conn.BeginTransactionAsync(ct) : null;
        var t = tx ?? own;
        await conn.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM ekis.app_user WHERE id = @userId FOR UPDATE", new { userId }, t, cancellationToken: ct));
        var expires = await conn.ExecuteScalarAsync<DateTime>(new CommandDefinition("""
            UPDATE ekis.password_token SET revoked_at = now()
            WHERE user_id = @userId AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now();
            INSERT INTO ekis.password_token (token_hash, user_id, purpose, expires_at) VALUES (@hash, @userId, @purpose, now() + @lifetime)
            RETURNING expires_at;
            """, new { hash = Hash(token), userId, purpose, lifetime }, t, cancellationToken: ct));
        if (own is not null) await own.CommitAsync(ct);
        return new Issued(token, $"{mailOptions.PublicUrl}/Account/SetPassword?token={token}", expires, null);
    }

    public async Task<Issued> SendInvitationAsync(long userId, string actor, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var user = await conn.QuerySingleAsync<(string Login, string FullName, string? Email)>(new CommandDefinition(
            "SELECT login, full_name, email FROM ekis.app_user WHERE id = @userId", new { userId }, cancellationToken: ct));
        var issued = await IssueAsync(conn, null, userId, "invite", ct);
        string? mailedTo = null;
        if (!string.IsNullOrEmpty(user.Email))
        {
            await mail.SendAsync(new MailMessage(user.Email, user.FullName, "Приглашение в ЕКИС.Отчётность",
                $"""
                Здравствуйте, {user.FullName}!

                Для вас создан личный кабинет в ЕКИС.Отчётность. Ваш логин: {user.Login}
                Чтобы задать пароль и войти, откройте ссылку (она действует 7 дней и только один раз):

                {issued.Link}
                """), ct);
            mailedTo = user.Email;
        }
        await SecurityAudit.RecordAsync(conn, null, SecurityAudit.Events.InvitationSent, userId, user.Login, null, actor, new { mailed = mailedTo is not null }, ct);
        return issued with { MailedTo = mailedTo };
    }

    public async Task<LinkInfo?> PeekAsync(string? token, CancellationToken ct = default)
    {
        if (!IsWellFormed(token)) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<LinkInfo>(new CommandDefinition("""
            SELECT u.id AS UserId, u.login, u.full_name AS FullName, t.purpose
            FROM ekis.password_token t JOIN ekis.app_user u ON u.id = t.user_id
            WHERE t.token_hash = @hash AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now() AND u.status = 'active'
            """, new { hash = Hash(token!) }, cancellationToken: ct));
    }

    /// <summary>Sets the password through a link, once. Returns null on success, else the reason.</summary>
    public async Task<string?> ConsumeAsync(string? token, string? newPassword, string? clientAddress, CancellationToken ct = default)
    {
        if (!IsWellFormed(token)) return InvalidLink;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var link = await conn.QuerySingleOrDefaultAsync<(long UserId, string Login, string Purpose)>(new CommandDefinition("""
            SELECT u.id, u.login, t.purpose
            FROM ekis.password_token t JOIN ekis.app_user u ON u.id = t.user_id
            WHERE t.token_hash = @hash AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now() AND u.status = 'active'
            FOR UPDATE OF t
            """, new { hash = Hash(token!) }, tx, cancellationToken: ct));
        if (link.Login is null) return InvalidLink;
        if (Passwords.Problem(newPassword, link.Login) is { } problem) return problem;

        var actor = $"user:{link.UserId}";
        await conn.ExecuteAsync(new CommandDefinition("SELECT set_config('ekis.actor', @actor, true)", new { actor }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE ekis.password_token SET used_at = now() WHERE token_hash = @hash", new { hash = Hash(token!) }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.app_user SET password_hash = @hash, security_stamp = gen_random_uuid(), updated_at = now(), updated_by = @actor
            WHERE id = @id
            """, new { hash = Passwords.Hash(newPassword!), id = link.UserId, actor }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ekis.sign_in_throttle WHERE login_key = lower(@login)", new { login = link.Login }, tx, cancellationToken: ct));
        await SecurityAudit.RecordAsync(conn, tx, link.Purpose == "invite" ? SecurityAudit.Events.InvitationAccepted : SecurityAudit.Events.ResetUsed,
            link.UserId, link.Login, clientAddress, actor, ct: ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private static bool IsWellFormed(string? token) => token is { Length: >= 40 and <= 64 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));
}
