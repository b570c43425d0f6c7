using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using Microsoft.Playwright;

namespace EKIS.Reporting.Tests.Browser;

/// <summary>Sign-in in a real browser (headless Debian Chromium), against the web app running as a process.</summary>
public sealed class SignInBrowserTests : DatabaseTest
{
    protected override bool StartsFromDemo => true;

    // Steps land in the run folder, which a killed (hung) run leaves behind for diagnosis.
    private static void Step(string what) => File.AppendAllText(Path.Combine(TestDatabase.StateFolder, "browser-steps.log"), $"{DateTime.Now:HH:mm:ss} {what}\n");

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private RunningWebApp _app = null!;

    [SetUp]
    public async Task StartAsync()
    {
        Step("launch");
        (_playwright, _browser) = await Support.Browser.LaunchAsync();
        Step("start app");
        _app = await RunningWebApp.StartAsync();
    }

    [TearDown]
    public async Task StopAsync()
    {
        Step("teardown");
        await _app.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private async Task<IPage> LoginPageAsync()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { Locale = "ru-RU" });
        await page.GotoAsync(new Uri(_app.Address, "/").ToString());
        Assert.That(page.Url, Does.Contain("/Account/Login"), "an anonymous visitor lands on the sign-in page");
        return page;
    }

    [Test]
    public async Task A_director_signs_in_sees_their_organisation_and_signs_out()
    {
        var page = await LoginPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };

        Step("fill");
        await page.FillAsync("input[name=login]", "director");
        await page.FillAsync("input[name=password]", DemoAccounts.Password);
        await page.ClickAsync("button[type=submit]");
        Step("wait card");
        await page.WaitForURLAsync("**/Org/Card?id=*");
        Step("card");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await page.Locator("h1").InnerTextAsync(), Does.Contain("Школа № 1 городского округа Северный"));
            Assert.That(await page.Locator(".user .role").InnerTextAsync(), Does.Contain("Руководитель организации"));
            Assert.That(await page.Locator("dl.card").InnerTextAsync(), Does.Contain("ИНН"));
            Assert.That(await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.topbar')).display"), Is.EqualTo("flex"));
        });

        Step("sign out");
        await page.ClickAsync("#sign-out");
        await page.WaitForURLAsync("**/Account/Login?done=signout");
        Assert.That(await page.Locator(".alert.info").InnerTextAsync(), Does.Contain("Вы вышли"));
        await page.GotoAsync(new Uri(_app.Address, "/Org").ToString());
        Assert.That(page.Url, Does.Contain("/Account/Login"), "signed out for real");
        Assert.That(consoleErrors, Is.Empty);
    }

    [Test]
    public async Task A_wrong_password_shows_the_message_and_keeps_the_login()
    {
        var page = await LoginPageAsync();
        await page.FillAsync("input[name=login]", "director");
        await page.FillAsync("input[name=password]", "definitely-wrong-1");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync(".alert.error");

        Assert.That(await page.Locator(".alert.error").InnerTextAsync(), Is.EqualTo("Неверный логин или пароль."));
        Assert.That(await page.InputValueAsync("input[name=login]"), Is.EqualTo("director"));
        Assert.That(await page.InputValueAsync("input[name=password]"), Is.Empty);
    }
}
