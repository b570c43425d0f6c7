using System.Net;
using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>The delegation path through the pages: a director creates an employee, who sets a password by the link and signs in.</summary>
public sealed partial class InvitationFlowTests : DatabaseTest
{
    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    [Test]
    public async Task A_director_invites_an_employee_who_sets_a_password_once_and_signs_in()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var director = await TestAccounts.SignInAsync(_web, "director", DemoAccounts.Password);
        var created = await TestAccounts.PostFormAsync(director, "/Staff",
            new() { ["fullName"] = "Смирнова Вера Ильинична", ["login"] = "smirnova", ["canFill"] = "true" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(created.Headers.Location!.ToString(), Does.Not.Contain("token"), "a password link never travels in a URL");

        var staffPage = await director.GetStringAsync("/Staff");
        Assert.That(staffPage, Does.Contain("Смирнова Вера Ильинична"));
        var link = LinkPattern().Match(staffPage);
        Assert.That(link.Success, Is.True, "the director is shown the link to pass on (no e-mail given)");
        var path = WebUtility.HtmlDecode(link.Value);

        var visitor = TestAccounts.Client(_web);
        Assert.That(await visitor.GetStringAsync(path), Does.Contain("smirnova"));
        var set = await TestAccounts.PostFormAsync(visitor, path, new() { ["password"] = "Vera-2026-school", ["confirm"] = "Vera-2026-school", ["token"] = path.Split("token=")[1] });
        Assert.That(set.Headers.Location!.ToString(), Does.Contain("/Account/Login"));

        var again = await visitor.GetAsync(path);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Gone), "the link works once");

        var employee = await TestAccounts.SignInAsync(_web, "smirnova", "Vera-2026-school");
        var home = await employee.GetAsync("/");
        Assert.That(home.Headers.Location!.ToString(), Does.StartWith("/Org/Card?id="), "a school role opens on its organisation");
    }

    [GeneratedRegex(@"/Account/SetPassword\?token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
