using Dapper;
using EKIS.Reporting.Features.Mail;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Infrastructure.Mail;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// «Я не помню пароль». The request itself does the same work whatever was typed — check the limits,
/// record the request, write the security log — and never looks the person up; a job
/// (<see cref="SendLinkAsync"/>) finds the account, issues the link (revoking older ones) and queues
/// the mail. So the answer, and the time it takes, say nothing about which logins exist (issue 10,
/// point 9: an unknown login was answered faster, and 25 requests sent 25 live links).
/// </summary>
public sealed class PasswordRecovery(NpgsqlDataSource db, PasswordLinks links, PasswordRecovery.Limits limits)
{
    public const string Acknowledgement =
        "Если такая учётная запись существует и у неё указан адрес электронной почты, на него отправлена ссылка для восстановления пароля. " +
        "Ссылка действует 1 час; новая ссылка отменяет прежние. Если письмо не пришло, повторите запрос позже.";

    /// <summary>How many requests are taken per login text and per client address in a window (section "PasswordRecovery").</summary>
    public sealed class Limits
    {
        public int PerLogin { get; set; } = 3;
        public int PerAddress { get; set; } = 10;
        public int WindowMinutes { get; set; } = 60;

        public TimeSpan Window => TimeSpan.FromMinutes(WindowMinutes);

        public static Limits From(IConfiguration config)
        {
            var o = new Limits();
            config.GetSection("PasswordRecovery").Bind(o);
            return o;
        }
    }

    /// <summary>
    /// Takes a request. Returns the id to hand to the job, or null when there is nothing to send
    /// (an empty entry, or a limit reached — the visitor gets the same answer either way).
    /// </summary>
    public async Task<Guid?> RequestAsync(string? loginOrEmail, string? clientAddress, CancellationToken ct = default)
    {
        var key = (loginOrEmail ?? "").Trim().ToLowerInvariant();
        if (key.Length is 0 or > 200) return null;

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Parallel requests for one login (or from one address) are counted one after the other, so
        // they cannot all pass the limit together. Login before address: always the same order.
        await conn.ExecuteAsync(new CommandDefinition("""
            SELECT pg_advisory_xact_lock(hashtextextended('password-reset:login:' || @key, 0)),
                   pg_advisory_xact_lock(hashtextextended('password-reset:address:' || coalesce(@clientAddress, ''), 0))
            """, new { key, clientAddress }, tx, cancellationToken: ct));
        var (forLogin, forAddress) = await conn.QuerySingleAsync<(long, long)>(new CommandDefinition("""
            SELECT count(*) FILTER (WHERE login_key = @key), count(*) FILTER (WHERE client_address = @clientAddress)
            FROM ekis.password_reset_request
            WHERE requested_at > now() - @window AND (login_key = @key OR client_address = @clientAddress)
            """, new { key, clientAddress, window = limits.Window }, tx, cancellationToken: ct));
        // Without a client address (no socket: in-process hosts) only the per-login limit applies.
        var limited = forLogin >= limits.PerLogin ? "login"
            : clientAddress is not null && forAddress >= limits.PerAddress ? "address"
            : null;

        Guid? id = null;
        if (limited is null)
            id = await conn.ExecuteScalarAsync<Guid>(new CommandDefinition(
                "INSERT INTO ekis.password_reset_request (login_key, client_address) VALUES (@key, @clientAddress) RETURNING id",
                new { key, clientAddress }, tx, cancellationToken: ct));
        await SecurityAudit.RecordAsync(conn, tx, SecurityAudit.Events.ResetRequested, null, key, clientAddress, "anonymous",
            new { request = id, limited }, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// The job's part: finds an active account with an e-mail by the login or address typed, issues a
    /// new link (older ones stop working) and queues the mail. Runs once per request, however often
    /// the job is delivered. Returns the queued mail, or null when there is nothing to send.
    /// </summary>
    public async Task<long?> SendLinkAsync(Guid requestId, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var conn = tx.Connection;
        var request = await conn.QuerySingleOrDefaultAsync<(string LoginKey, string? ClientAddress)>(new CommandDefinition(
            "SELECT login_key, client_address FROM ekis.password_reset_request WHERE id = @requestId AND processed_at IS NULL FOR UPDATE",
            new { requestId }, tx.Transaction, cancellationToken: ct));
        if (request.LoginKey is null) return null;

        var user = await conn.QueryFirstOrDefaultAsync<(long Id, string Login, string FullName, string? Email)>(new CommandDefinition("""
            SELECT id, login, full_name, email FROM ekis.app_user
            WHERE status = 'active' AND (lower(login) = @key OR lower(email) = @key) ORDER BY id LIMIT 1
            """, new { key = request.LoginKey }, tx.Transaction, cancellationToken: ct));
        long? mailId = null;
        if (user.Login is not null && !string.IsNullOrEmpty(user.Email))
        {
            var issued = await links.IssueAsync(conn, tx.Transaction, user.Id, "reset", ct);
            mailId = await OutgoingMail.QueueAsync(conn, tx.Transaction, OutgoingMail.Purposes.PasswordReset, new MailMessage(user.Email, user.FullName,
                "Восстановление пароля — ЕКИС.Отчётность",
                $"""
                Здравствуйте, {user.FullName}!

                Для вашей учётной записи «{user.Login}» запрошено восстановление пароля.
                Чтобы задать новый пароль, откройте ссылку (она действует 1 час и только один раз; ссылки из прежних писем больше не действуют):

                {issued.Link}

                Если вы не запрашивали восстановление, просто удалите это письмо — пароль останется прежним.
                """), secret: true, validUntil: issued.ExpiresAt, ct);
            await SecurityAudit.RecordAsync(conn, tx.Transaction, SecurityAudit.Events.ResetLinkSent, user.Id, user.Login, request.ClientAddress, actor.Key,
                new { request = requestId, mail = mailId }, ct);
        }
        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.password_reset_request SET processed_at = now(), mail_id = @mailId WHERE id = @requestId;
            DELETE FROM ekis.password_reset_request WHERE requested_at < now() - interval '7 days';
            """, new { requestId, mailId }, tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return mailId;
    }
}
