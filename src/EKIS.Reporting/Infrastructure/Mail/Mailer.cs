using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace EKIS.Reporting.Infrastructure.Mail;

/// <summary>Mail settings (section "Mail"). Without an SMTP host, messages go to the pickup folder as .eml files.</summary>
public sealed class MailOptions
{
    public string From { get; set; } = "ЕКИС.Отчётность <noreply@ekis.local>";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public bool SmtpStartTls { get; set; } = true;
    public string PickupFolder { get; set; } = "";

    /// <summary>Base address written into links in messages (the address people open the app at).</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:5080";

    public static MailOptions Load(IConfiguration config, string stateFolder)
    {
        var o = new MailOptions();
        config.GetSection("Mail").Bind(o);
        if (config["EKIS_SMTP_HOST"] is { Length: > 0 } host) o.SmtpHost = host;
        if (config["EKIS_PUBLIC_URL"] is { Length: > 0 } url) o.PublicUrl = url;
        if (string.IsNullOrWhiteSpace(o.PickupFolder)) o.PickupFolder = Path.Combine(stateFolder, "mail");
        o.PublicUrl = o.PublicUrl.TrimEnd('/');
        return o;
    }
}

public sealed record MailMessage(string ToAddress, string ToName, string Subject, string TextBody);

public interface IMailSender
{
    /// <summary>Sends the message; returns where it went (the SMTP host or the .eml file path).</summary>
    Task<string> SendAsync(MailMessage message, CancellationToken ct = default);
}

/// <summary>SMTP through MailKit when a host is configured; otherwise an .eml file in the pickup folder.</summary>
public sealed class Mailer(MailOptions options, ILogger<Mailer> logger, TimeProvider? clock = null) : IMailSender
{
    public async Task<string> SendAsync(MailMessage message, CancellationToken ct = default)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.From));
        mime.To.Add(new MailboxAddress(message.ToName, message.ToAddress));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.TextBody };

        if (string.IsNullOrWhiteSpace(options.SmtpHost))
        {
            Directory.CreateDirectory(options.PickupFolder);
            var path = Path.Combine(options.PickupFolder, $"{(clock ?? TimeProvider.System).GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.eml");
            await mime.WriteToAsync(path, ct);
            logger.LogInformation("Mail to {To} ({Subject}) written to {Path}", message.ToAddress, message.Subject, path);
            return path;
        }

        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(options.SmtpHost, options.SmtpPort, options.SmtpStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.Auto, ct);
        if (!string.IsNullOrEmpty(options.SmtpUser))
            await smtp.AuthenticateAsync(options.SmtpUser, options.SmtpPassword ?? "", ct);
        await smtp.SendAsync(mime, ct);
        await smtp.DisconnectAsync(true, ct);
        logger.LogInformation("Mail to {To} ({Subject}) sent through {Host}", message.ToAddress, message.Subject, options.SmtpHost);
        return options.SmtpHost;
    }
}
