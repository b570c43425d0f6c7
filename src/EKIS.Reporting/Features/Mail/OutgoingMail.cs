using Dapper;
using EKIS.Reporting.Infrastructure.Mail;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EKIS.Reporting.Features.Mail;

/// <summary>
/// The outgoing mail queue (<c>ekis.outgoing_mail</c>): a message is queued in the transaction of
/// the change it announces and sent by a job, never on a request's path — a slow or failing SMTP
/// server neither delays a page nor tells a visitor anything. Delivery is at least once; a failure
/// is retried later (<see cref="MaxAttempts"/> in all), a message is not sent after its
/// <c>valid_until</c>, and a secret body (a password link) is erased once sent or given up.
/// </summary>
public sealed class OutgoingMail(NpgsqlDataSource db, IMailSender sender, ILogger<OutgoingMail> logger)
{
    public const int MaxAttempts = 8;

    public static class Purposes
    {
        public const string PasswordReset = "password_reset";
    }

    private sealed record Pending(long Id, string Purpose, string ToAddress, string ToName, string Subject, string? TextBody, int Attempts, bool Expired);

    /// <summary>Queues a message in the caller's transaction (which names the author); returns its id.</summary>
    public static Task<long> QueueAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string purpose, MailMessage message, bool secret,
        DateTime? validUntil, CancellationToken ct) =>
        conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO ekis.outgoing_mail (purpose, to_address, to_name, subject, text_body, secret, valid_until)
            VALUES (@purpose, @ToAddress, @ToName, @Subject, @TextBody, @secret, @validUntil)
            RETURNING id
            """, new { purpose, message.ToAddress, message.ToName, message.Subject, message.TextBody, secret, validUntil }, tx, cancellationToken: ct));

    /// <summary>
    /// Sends one queued message if it is due and no other worker holds it. True when it went out;
    /// a failed attempt is recorded for a later retry, not thrown.
    /// </summary>
    public async Task<bool> DeliverAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The row stays locked while the message is handed over, so two workers never send it both.
        var mail = await conn.QuerySingleOrDefaultAsync<Pending>(new CommandDefinition("""
            SELECT id, purpose, to_address AS ToAddress, to_name AS ToName, subject, text_body AS TextBody, attempts,
                   coalesce(valid_until <= now(), false) AS Expired
            FROM ekis.outgoing_mail
            WHERE id = @id AND status = 'pending' AND next_attempt_at <= now()
            FOR UPDATE SKIP LOCKED
            """, new { id }, tx, cancellationToken: ct));
        if (mail is null) return false;

        if (mail.Expired)
        {
            await FinishAsync(conn, tx, id, "expired", null, null, ct);
            await tx.CommitAsync(ct);
            logger.LogWarning("Mail {MailId} ({Purpose}) was not sent before it expired", id, mail.Purpose);
            return false;
        }

        bool sent;
        try
        {
            var via = await sender.SendAsync(new MailMessage(mail.ToAddress, mail.ToName, mail.Subject, mail.TextBody ?? ""), ct);
            await FinishAsync(conn, tx, id, "sent", via, null, ct);
            sent = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var attempts = mail.Attempts + 1;
            if (attempts >= MaxAttempts)
            {
                await FinishAsync(conn, tx, id, "failed", null, ex.Message, ct);
                logger.LogError("Mail {MailId} ({Purpose}) given up after {Attempts} attempts: {Reason}", id, mail.Purpose, attempts, ex.Message);
            }
            else
            {
                // Later and later: 1, 4, 9, 16 … minutes after each failure.
                await conn.ExecuteAsync(new CommandDefinition("""
                    UPDATE ekis.outgoing_mail SET attempts = @attempts, last_error = @error, next_attempt_at = now() + make_interval(mins => @attempts * @attempts)
                    WHERE id = @id
                    """, new { id, attempts, error = ex.Message }, tx, cancellationToken: ct));
                logger.LogWarning("Mail {MailId} ({Purpose}) not sent (attempt {Attempts}), will retry: {Reason}", id, mail.Purpose, attempts, ex.Message);
            }
            sent = false;
        }
        await tx.CommitAsync(ct);
        return sent;
    }

    /// <summary>Sends every message that is due (the recurring sweep that retries failures); returns how many went out.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        IReadOnlyList<long> due;
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            due = (await conn.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM ekis.outgoing_mail WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY id LIMIT 500",
                cancellationToken: ct))).ToList();
        }
        var sent = 0;
        foreach (var id in due)
        {
            if (await DeliverAsync(id, ct)) sent++;
        }
        if (due.Count > 0)
            logger.LogInformation("Mail queue: {Sent} of {Due} due message(s) sent", sent, due.Count);
        return sent;
    }

    private static Task FinishAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, string status, string? via, string? error, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.outgoing_mail
               SET status = @status, attempts = attempts + CASE WHEN @status = 'expired' THEN 0 ELSE 1 END,
                   sent_at = CASE WHEN @status = 'sent' THEN now() END, sent_via = @via, last_error = @error,
                   text_body = CASE WHEN secret THEN NULL ELSE text_body END
             WHERE id = @id
            """, new { id, status, via, error }, tx, cancellationToken: ct));
}
