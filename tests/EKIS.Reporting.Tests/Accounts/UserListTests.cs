using System.Net;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Accounts;

/// <summary>Issue 10, point 7: the list of accounts answered 500 for the administrator and the analyst.</summary>
public sealed class UserListTests : DatabaseTest
{
    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    protected override bool StartsFromDemo => true;

    [TestCase("admin")]
    [TestCase("analyst")]
    public async Task The_account_list_opens_with_logins_and_roles(string login)
    {
        var client = await TestAccounts.SignInAsync(_web, login, DemoAccounts.Password);
        var response = await client.GetAsync("/Admin/Users?sort=created&desc=true");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("director7"));
    }

    [Test]
    public async Task Each_row_carries_its_own_roles_and_creation_time()
    {
        var page = await new Users(Db, null!).ListAsync("director7", "login", false, 1);
        var row = page.Items.Single();
        var created = await ScalarAsync<DateTime>("SELECT created_at FROM ekis.app_user WHERE login = 'director7'");
        Assert.Multiple(() =>
        {
            Assert.That(row.Login, Is.EqualTo("director7"));
            Assert.That(row.Roles, Is.EqualTo("director"));
            Assert.That(row.CreatedAt, Is.EqualTo(created).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(row.FullName, Is.Not.EqualTo(row.Login));
        });
    }
}
