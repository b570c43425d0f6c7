using System.Net;
using System.Net.Sockets;
using System.Text;
using EKIS.Reporting.Infrastructure.Mail;
using Microsoft.Extensions.Logging.Abstractions;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>The SMTP path of the mailer, against a minimal SMTP peer on loopback (no TLS, no auth).</summary>
public sealed class SmtpMailTests
{
    [Test]
    public async Task With_an_smtp_host_configured_mail_goes_over_smtp_with_the_recipient_and_the_russian_text()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = ServeOneMessageAsync(listener);

        var pickup = Path.Combine(Path.GetTempPath(), "ekis-smtp-" + Guid.NewGuid().ToString("N"));
        var mailer = new Mailer(new MailOptions { SmtpHost = "127.0.0.1", SmtpPort = port, SmtpStartTls = false, PickupFolder = pickup },
            NullLogger<Mailer>.Instance);
        var via = await mailer.SendAsync(new MailMessage("director@school.example", "Иванова О. С.", "Восстановление пароля", "Ссылка: https://ekis.example/x"));

        var (envelope, data) = await received.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(via, Is.EqualTo("127.0.0.1"));
            Assert.That(envelope, Does.Contain("RCPT TO:<director@school.example>"));
            Assert.That(data, Does.Contain("Subject:"));
            Assert.That(Directory.Exists(pickup), Is.False, "nothing written to the pickup folder");
        });
    }

    private static async Task<(string Envelope, string Data)> ServeOneMessageAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var envelope = new StringBuilder();
        var data = new StringBuilder();
        await writer.WriteLineAsync("220 test ESMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            envelope.AppendLine(line);
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-test");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 go ahead");
                    while (await reader.ReadLineAsync() is { } d && d != ".") data.AppendLine(d);
                    await writer.WriteLineAsync("250 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return (envelope.ToString(), data.ToString());
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }
        return (envelope.ToString(), data.ToString());
    }
}
