using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using Microsoft.Playwright;

namespace EKIS.Reporting.Tests.Browser;

public sealed class StartPageBrowserTests : DatabaseTest
{
    [Test]
    public async Task A_visitor_sees_the_region_and_its_municipalities_in_Russian_in_a_real_browser()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var (playwright, browser) = await Support.Browser.LaunchAsync();
        await using var app = await RunningWebApp.StartAsync();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "ru-RU" });
            var consoleErrors = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };

            var response = await page.GotoAsync(app.Address.ToString());
            Assert.That(response?.Status, Is.EqualTo(200));
            Assert.Multiple(async () =>
            {
                Assert.That(await page.TitleAsync(), Does.Contain("ЕКИС.Отчётность"));
                Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Демонстрационная область"));
                Assert.That(await page.Locator("table.grid tbody tr").CountAsync(), Is.EqualTo(3));
                Assert.That(await page.Locator("table.grid tbody tr").First.InnerTextAsync(), Does.Contain("Городской округ Озёрск"));
                // The stylesheet loaded under the strict Content-Security-Policy (no CSP violations).
                Assert.That(await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.topbar')).display"), Is.EqualTo("flex"));
                Assert.That(consoleErrors, Is.Empty);
            });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
