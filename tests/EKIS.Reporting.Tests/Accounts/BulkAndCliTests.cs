using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Mail;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EKIS.Reporting.Tests.Accounts;

public sealed class BulkAndCliTests : DatabaseTest
{
    [Test]
    public async Task Bulk_invitations_create_a_director_per_organisation_with_an_email_and_skip_the_rest()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var pickup = Directory.CreateTempSubdirectory("ekis-mail-").FullName;
        try
        {
            var options = new MailOptions { PickupFolder = pickup };
            var bulk = new BulkDirectors(Db, new Users(Db, new PasswordLinks(Db, new Mailer(options, NullLogger<Mailer>.Instance), options)));
            var analyst = new AccessScope(1, "analyst", 1, Roles.RegionalAnalyst, await TestAccounts.UnitIdAsync(Db, "R-DEMO"), null);
            var sev = await TestAccounts.UnitIdAsync(Db, "M-SEV");
            // The registry: one organisation with its director's e-mail, one without.
            await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.org_unit SET director = 'Орлова Нина Петровна', email = 'gym2@school.example' WHERE ekis_code = '100002'");
            await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.org_unit SET email = NULL WHERE ekis_code = '100003'");

            var preview = await bulk.PreviewAsync(analyst, sev, null);
            var outcomes = await bulk.CreateAsync(analyst, sev, null, Actor.Cli, null);

            Assert.That(preview.Select(c => c.EkisCode), Is.EquivalentTo(new[] { "100001", "100002", "100003" }));
            var byCode = outcomes.ToDictionary(o => o.Candidate.EkisCode);
            Assert.Multiple(() =>
            {
                Assert.That(byCode["100001"].Created, Is.False, "already has the demo director");
                Assert.That(byCode["100003"].Created, Is.False, "no e-mail");
                Assert.That(byCode["100002"].Created, Is.True, byCode["100002"].Message);
                Assert.That(Directory.GetFiles(pickup, "*.eml"), Has.Length.EqualTo(1));
            });
            var again = await bulk.CreateAsync(analyst, sev, null, Actor.Cli, null);
            Assert.That(again.Count(o => o.Created), Is.Zero, "running it again creates nothing");
        }
        finally
        {
            Directory.Delete(pickup, true);
        }
    }

    [Test]
    public async Task Ekis_user_create_makes_the_first_administrator_who_can_sign_in()
    {
        var env = new Dictionary<string, string?> { ["EKIS_DB"] = TestDatabase.ConnectionString };
        var result = await BuiltPrograms.RunWithInputAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "Perviy-Admin-2026\n",
            "user", "create", "--login", "chief", "--name", "Главный администратор", "--role", "admin", "--password-stdin");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That((await new SignIn(Db).AttemptAsync("chief", "Perviy-Admin-2026", null)).Succeeded, Is.True);
        Assert.That(await ScalarAsync<string>("SELECT granted_by FROM ekis.role_assignment a JOIN ekis.app_user u ON u.id = a.user_id WHERE u.login = 'chief'"),
            Is.EqualTo("system:cli"));

        var duplicate = await BuiltPrograms.RunWithInputAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "Perviy-Admin-2026\n",
            "user", "create", "--login", "CHIEF", "--role", "admin", "--password-stdin");
        Assert.That(duplicate.ExitCode, Is.EqualTo(1));
        Assert.That(duplicate.Output, Does.Contain("уже занят"));

        var noOrg = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "user", "create", "--login", "dir-x", "--role", "director");
        Assert.That(noOrg.ExitCode, Is.EqualTo(1));
        Assert.That(noOrg.Output, Does.Contain("--org"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.app_user WHERE login = 'dir-x'"), Is.Zero);
    }
}
