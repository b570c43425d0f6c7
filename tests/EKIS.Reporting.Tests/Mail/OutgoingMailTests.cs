using System.Net;
using System.Net.Sockets;
using EKIS.Reporting.Features.Mail;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Infrastructure.Mail;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EKIS.Reporting.Tests.Mail;

/// <summary>The outgoing mail queue on the real database, with the real mailer (pickup folder, or SMTP to a closed port).</summary>
public sealed class OutgoingMailTests : DatabaseTest
{
    private string _pickup = null!;

    [SetUp]
    public void CreatePickup() => _pickup = Directory.CreateTempSubdirectory("ekis-mail-").FullName;

    [TearDown]
    public void RemovePickup() => Directory.Delete(_pickup, true);

    private OutgoingMail Queue(MailOptions? options = null) =>
        new(Db, new Mailer(options ?? new MailOptions { PickupFolder = _pickup }, NullLogger<Mailer>.Instance), NullLogger<OutgoingMail>.Instance);

    private static async Task<long> QueueAsync(bool secret, DateTime? validUntil = null)
    {
        await using var tx = await Db.BeginAsAsync(Actor.Cli);
        var id = await OutgoingMail.QueueAsync(tx.Connection, tx.Transaction, "test",
            new MailMessage("ivanova@school.example", "Иванова", "Проверка", "Секрет: 12345"), secret, validUntil, CancellationToken.None);
        await tx.CommitAsync();
        return id;
    }

    [Test]
    public async Task A_queued_mail_is_sent_once_and_a_secret_body_is_not_kept()
    {
        var secret = await QueueAsync(secret: true);
        var plain = await QueueAsync(secret: false);
        var queue = Queue();

        Assert.That(await queue.DeliverDueAsync(), Is.EqualTo(2));
        Assert.That(await queue.DeliverDueAsync(), Is.Zero, "nothing is sent twice");
        Assert.That(Directory.GetFiles(_pickup, "*.eml"), Has.Length.EqualTo(2));
        Assert.That(await ScalarAsync<string>("SELECT text_body FROM ekis.outgoing_mail WHERE id = $1", secret), Is.Null);
        Assert.That(await ScalarAsync<string>("SELECT text_body FROM ekis.outgoing_mail WHERE id = $1", plain), Is.EqualTo("Секрет: 12345"));
        Assert.That(await ScalarAsync<string>("SELECT created_by FROM ekis.outgoing_mail WHERE id = $1", plain), Is.EqualTo("system:cli"));
    }

    [Test]
    public async Task A_mail_that_cannot_be_sent_stays_queued_with_the_reason_and_goes_out_on_a_later_run()
    {
        var id = await QueueAsync(secret: true);
        int closedPort;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            closedPort = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
        }
        var broken = Queue(new MailOptions { SmtpHost = "127.0.0.1", SmtpPort = closedPort, SmtpStartTls = false, PickupFolder = _pickup });

        Assert.That(await broken.DeliverAsync(id), Is.False);
        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.outgoing_mail WHERE id = $1", id), Is.EqualTo("pending"));
            Assert.That(await ScalarAsync<int>("SELECT attempts FROM ekis.outgoing_mail WHERE id = $1", id), Is.EqualTo(1));
            Assert.That(await ScalarAsync<string>("SELECT last_error FROM ekis.outgoing_mail WHERE id = $1", id), Is.Not.Empty);
            Assert.That(await ScalarAsync<bool>("SELECT next_attempt_at > now() FROM ekis.outgoing_mail WHERE id = $1", id), Is.True, "retried later, not at once");
            Assert.That(await Queue().DeliverDueAsync(), Is.Zero, "not due yet");
        });

        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.outgoing_mail SET next_attempt_at = now()");
        Assert.That(await Queue().DeliverDueAsync(), Is.EqualTo(1));
        Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.outgoing_mail WHERE id = $1", id), Is.EqualTo("sent"));
    }

    [Test]
    public async Task A_mail_that_keeps_failing_is_given_up_and_its_secret_erased()
    {
        var id = await QueueAsync(secret: true);
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.outgoing_mail SET attempts = $1", OutgoingMail.MaxAttempts - 1);
        var broken = Queue(new MailOptions { SmtpHost = "127.0.0.1", SmtpPort = 1, SmtpStartTls = false, PickupFolder = _pickup });
        Assert.That(await broken.DeliverAsync(id), Is.False);
        Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.outgoing_mail WHERE id = $1", id), Is.EqualTo("failed"));
        Assert.That(await ScalarAsync<string>("SELECT text_body FROM ekis.outgoing_mail WHERE id = $1", id), Is.Null);
    }

    [Test]
    public async Task A_mail_past_its_validity_is_not_sent()
    {
        var id = await QueueAsync(secret: true, validUntil: new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.That(await Queue().DeliverDueAsync(), Is.Zero);
        Assert.That(Directory.GetFiles(_pickup), Is.Empty);
        Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.outgoing_mail WHERE id = $1", id), Is.EqualTo("expired"));
        Assert.That(await ScalarAsync<string>("SELECT text_body FROM ekis.outgoing_mail WHERE id = $1", id), Is.Null);
    }
}
