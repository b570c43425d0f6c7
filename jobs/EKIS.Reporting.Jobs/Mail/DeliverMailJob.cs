using EKIS.Reporting.Features.Mail;
using Hangfire;

namespace EKIS.Reporting.Jobs.Mail;

/// <summary>Thin adapter over <see cref="OutgoingMail.DeliverDueAsync"/>, every minute: sends what is due, retries what failed.</summary>
public sealed class DeliverMailJob(OutgoingMail mail)
{
    // The next run, a minute later, is the retry.
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public Task RunAsync(CancellationToken ct) => mail.DeliverDueAsync(ct);
}
