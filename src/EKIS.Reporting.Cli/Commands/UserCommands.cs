using System.CommandLine;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Mail;
using Microsoft.Extensions.Logging;

namespace EKIS.Reporting.Cli.Commands;

/// <summary><c>ekis user create</c>: the first administrator of a real installation, or any account.</summary>
public static class UserCommands
{
    public static Command Create(CliContext cli)
    {
        var user = new Command("user", "Учётные записи");
        var create = new Command("create", "Создать учётную запись с ролью (без --password-stdin выдаётся ссылка для установки пароля)");
        var login = new Option<string>("--login") { Description = "Логин", Required = true };
        var name = new Option<string>("--name") { Description = "ФИО (по умолчанию — логин)" };
        var email = new Option<string?>("--email") { Description = "Электронная почта для приглашения и восстановления пароля" };
        var role = new Option<string>("--role") { Description = "admin | regional_analyst | municipal_operator | director | employee", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var org = new Option<string?>("--org") { Description = "Код ЕКИС организации, муниципалитета или региона (не для admin)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Прочитать пароль из стандартного ввода" };
        create.Add(login);
        create.Add(name);
        create.Add(email);
        create.Add(role);
        create.Add(org);
        create.Add(passwordStdin);
        create.SetAction((parse, ct) => CliContext.RunAsync(async () =>
        {
            string? password = null;
            if (parse.GetValue(passwordStdin))
                password = (await Console.In.ReadLineAsync(ct))?.TrimEnd('\r', '\n');

            await using var db = await cli.OpenDatabaseAsync(ct);
            var mailOptions = MailOptions.Load(cli.Configuration, cli.Database.StateFolder);
            var users = new Users(db, new PasswordLinks(db, new Mailer(mailOptions, cli.Loggers.CreateLogger<Mailer>()), mailOptions));

            var roleValue = parse.GetValue(role)!;
            long? unitId = null;
            if (roleValue != Roles.Admin)
            {
                var code = parse.GetValue(org);
                unitId = await new ScopedUnits(db).IdByCodeAsync(code, ct);
                if (unitId is null)
                {
                    Console.Error.WriteLine($"Для роли {roleValue} укажите --org: код ЕКИС существующей организации, муниципалитета или региона.");
                    return CliContext.Findings;
                }
            }

            var loginValue = parse.GetValue(login)!;
            var (created, problems) = await users.CreateAsync(new Users.NewUser(loginValue, parse.GetValue(name) ?? loginValue, parse.GetValue(email), password), Actor.Cli, ct);
            if (created is null)
            {
                foreach (var p in problems) Console.Error.WriteLine(p);
                return CliContext.Findings;
            }
            var grant = await users.GrantAsync(created.UserId, roleValue, unitId, null, Actor.Cli, null, ct);
            if (grant is not null)
            {
                Console.Error.WriteLine(grant);
                return CliContext.Findings;
            }
            Console.Out.WriteLine($"Создана учётная запись «{loginValue}» ({Roles.Title(roleValue)}).");
            if (created.InvitationLink is not null)
                Console.Out.WriteLine(created.MailedTo is not null
                    ? $"Ссылка для установки пароля отправлена на {created.MailedTo}: {created.InvitationLink}"
                    : $"Ссылка для установки пароля (действует 7 дней): {created.InvitationLink}");
            return CliContext.Ok;
        }));
        user.Add(create);
        return user;
    }
}
