using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Mail;
using EKIS.Reporting.Infrastructure.Actors;
using Hangfire;

namespace EKIS.Reporting.Jobs.Accounts;

/// <summary>
/// Thin adapter: the part of «Я не помню пароль» kept off the request's path — issue the link
/// (<see cref="PasswordRecovery.SendLinkAsync"/>) and send the mail at once. A mail that cannot be
/// sent now stays queued for <see cref="Mail.DeliverMailJob"/>.
/// </summary>
public sealed class PasswordResetJob(PasswordRecovery recovery, OutgoingMail mail)
{
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(Guid requestId, CancellationToken ct)
    {
        var mailId = await recovery.SendLinkAsync(requestId, Actor.Jobs, ct);
        if (mailId is not null) await mail.DeliverAsync(mailId.Value, ct);
    }
}
