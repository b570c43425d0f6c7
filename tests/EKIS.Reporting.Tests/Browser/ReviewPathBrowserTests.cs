using System.Globalization;
using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Tests.Campaigns;
using EKIS.Reporting.Tests.Support;
using EKIS.Reporting.Web.Pages.Reports;
using Microsoft.Playwright;

namespace EKIS.Reporting.Tests.Browser;

/// <summary>
/// Issue 6, item 13, end to end in two browsers: the director fills ОО-1 (sections 1.2, 2.1.1 and
/// 2.4 were saved as a draft earlier; 2.1.2 is typed now), sees a control error highlighted, fixes
/// it and sends; the municipal operator returns it with a comment; the director sees the comment,
/// corrects and resends; the operator accepts. Screenshots of the key pages are test attachments.
/// </summary>
public sealed class ReviewPathBrowserTests : CampaignTest
{
    private static void Step(string what) => File.AppendAllText(Path.Combine(TestDatabase.StateFolder, "browser-steps.log"), $"{DateTime.Now:HH:mm:ss} review-path: {what}\n");

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private RunningWebApp _app = null!;
    private readonly List<string> _consoleErrors = [];

    [SetUp]
    public async Task StartBrowserAsync()
    {
        (_playwright, _browser) = await Support.Browser.LaunchAsync();
        _app = await RunningWebApp.StartAsync();
    }

    [TearDown]
    public async Task StopBrowserAsync()
    {
        await _app.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private static ILocator Cell(IPage page, string section, string row, string column) =>
        page.Locator($"[id='{ReportSheet.CellId(section, row, column)}']");

    private static async Task TypeAsync(IPage page, string section, string row, string column, string value)
    {
        var input = Cell(page, section, row, column);
        await input.ClickAsync();
        await input.FillAsync("");
        await input.PressSequentiallyAsync(value);
        await input.PressAsync("Tab");
    }

    private async Task<IPage> SignedInPageAsync(string login)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ru-RU", ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        page.Console += (_, m) => { if (m.Type == "error") _consoleErrors.Add($"{login}: {m.Text}"); };
        await page.GotoAsync(Url("/Account/Login"));
        await page.FillAsync("input[name=login]", login);
        await page.FillAsync("input[name=password]", TestAccounts.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/Account/Login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 60_000 });
        return page;
    }

    private string Url(string path) => new Uri(_app.Address, path).ToString();

    private static Task<string?> StatusAsync(long reportId) => ScalarAsync<string>("SELECT status FROM ekis.report WHERE id = $1", reportId);

    [Test]
    public async Task Director_sends_oo1_operator_returns_it_director_corrects_and_resends_operator_accepts()
    {
        // The kit's monthly campaign runs on a fixed October clock; the pages run on the real one.
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.campaign SET status = 'closed' WHERE id = $1", CampaignId);
        var template = await Templates.LoadAsync(Actor.Cli, ShippedTemplates.Oo1, ShippedTemplates.Read(ShippedTemplates.Oo1));
        var today = DateOnly.FromDateTime(DateTime.Now);
        var campaign = (await Open.OpenAsync(Analyst, As(Analyst),
            new OpenCampaign.Command(template.Id, today.Year, "0101", today.AddDays(20), ReferenceDate: new DateOnly(today.Year, 9, 20), Kinds: ["general"]))).CampaignId;

        // Yesterday's draft: everything but section 2.1.2, which the director types in the browser.
        var values = DemoReportValues.Oo1(DemoReportValues.Seed("100001"), DemoReportValues.SchoolType.Ordinary);
        var reportId = (await Start.StartAsync(Director, As(Director), campaign, School1))!.Value;
        var draft = await Save.SaveAsync(Director, As(Director), new(reportId, 1, values.Where(c => c.Section != "2.1.2").ToList()));
        Assert.That(draft.Ok, Is.True, draft.Message);
        var typed = values.Where(c => c.Section == "2.1.2").ToList();
        var total = typed.Single(c => c.Row == "01" && c.Column == "3").Value!;
        var wrongTotal = (int.Parse(total, CultureInfo.InvariantCulture) + 10).ToString(CultureInfo.InvariantCulture);

        Step("director: my forms");
        var director = await SignedInPageAsync("t-director");
        await director.GotoAsync(Url("/Reports/My"));
        var row = director.Locator($"tr[data-campaign='{campaign}']");
        await row.WaitForAsync();
        await Support.Browser.ShotAsync(director, "review-path-1-my-forms", "«Мои формы» директора: ОО-1 в статусе черновика");
        await row.Locator("a.button").ClickAsync();
        await director.WaitForURLAsync($"**/Reports/Fill/{reportId}*");

        Step("director: title block");
        foreach (var field in await director.Locator("input.title-field").AllAsync())
        {
            var name = await field.GetAttributeAsync("data-field");
            await field.FillAsync(name switch
            {
                "email" => "school1@example.org",
                "phone" => "+7 900 000-00-00",
                "responsible_post" => "заместитель директора",
                _ => "Петрова Анна Ивановна",
            });
        }

        Step("director: types section 2.1.2 with a wrong total");
        await director.ClickAsync("nav.tabs a[data-section='2.1.2']");
        await director.WaitForURLAsync("**section=2.1.2*");
        foreach (var c in typed)
            await TypeAsync(director, c.Section, c.Row, c.Column, c.Row == "01" && c.Column == "3" ? wrongTotal : c.Value!);
        await Support.Browser.WaitSavedAsync(director);

        Step("director: check shows the error, follows it to the highlighted cell");
        await director.ClickAsync("#check-button");
        var error = director.Locator("#check-list li.error:has(a)").First;
        await error.WaitForAsync();
        Assert.That(await director.Locator("#check-list li.error").AllInnerTextsAsync(), Has.Some.Contain("Контроль 5").Or.Some.Contain("Контроль 6"));
        await error.Locator("a").First.ClickAsync();
        await director.Locator($"td.highlight [id='{ReportSheet.CellId("2.1.2", "01", "3")}']").WaitForAsync();
        await Support.Browser.ShotAsync(director, "review-path-2-error-highlighted", "ОО-1: ошибка контроля подсвечена в ячейке итога");

        Step("director: fixes and sends");
        await TypeAsync(director, "2.1.2", "01", "3", total);
        await Support.Browser.WaitSavedAsync(director);
        await director.ClickAsync("#check-button");
        await director.Locator("#check-summary.clean").WaitForAsync();
        await director.ClickAsync("#submit-button");
        await director.Locator("#notice").WaitForAsync();
        Assert.That(await StatusAsync(reportId), Is.EqualTo("submitted"));

        Step("operator: review queue, returns with a comment");
        var operatorPage = await SignedInPageAsync("t-operator");
        await operatorPage.GotoAsync(Url($"/Review?campaign={campaign}"));
        await Support.Browser.ShotAsync(operatorPage, "review-path-3-queue", "Очередь проверки оператора муниципалитета");
        await operatorPage.Locator($"a[href='/Review/Report/{reportId}']").ClickAsync();
        await operatorPage.WaitForURLAsync($"**/Review/Report/{reportId}");
        const string comment = "Проверьте выпуск 9-х классов: сверьте с журналом.";
        var returnForm = operatorPage.Locator("form:has(button:has-text('Вернуть'))");
        await returnForm.Locator("textarea[name=comment]").FillAsync(comment);
        await Support.Browser.ShotAsync(operatorPage, "review-path-4-return", "Отчёт открыт на проверке: возврат с комментарием");
        await returnForm.Locator("button:has-text('Вернуть')").ClickAsync();
        await operatorPage.Locator("#report-status").Filter(new LocatorFilterOptions { HasText = "возвращён" }).WaitForAsync();
        Assert.That(await StatusAsync(reportId), Is.EqualTo("returned_by_municipality"));

        Step("director: sees the comment, corrects and resends");
        await director.GotoAsync(Url($"/Reports/Fill/{reportId}?section=2.4"));
        var note = director.Locator("#return-note");
        await note.WaitForAsync();
        Assert.That(await note.InnerTextAsync(), Does.Contain(comment));
        await Support.Browser.ShotAsync(director, "review-path-5-returned", "Возвращённый отчёт с комментарием оператора");
        // One more leaver with a certificate, kept consistent with the totals (rows 01 = 02–05, column 3 = 4 + 5).
        int V(string r, string col) => int.Parse(values.SingleOrDefault(c => c.Section == "2.4" && c.Row == r && c.Column == col)?.Value ?? "0", CultureInfo.InvariantCulture);
        foreach (var (r, col) in new[] { ("01", "3"), ("01", "4"), ("02", "3"), ("02", "4") })
            await TypeAsync(director, "2.4", r, col, (V(r, col) + 1).ToString(CultureInfo.InvariantCulture));
        await Support.Browser.WaitSavedAsync(director);
        await director.ClickAsync("#check-button");
        await director.Locator("#check-summary.clean").WaitForAsync();
        await director.ClickAsync("#submit-button");
        await director.Locator("#notice").WaitForAsync();
        Assert.That(await StatusAsync(reportId), Is.EqualTo("submitted"));

        Step("operator: accepts");
        await operatorPage.GotoAsync(Url($"/Review/Report/{reportId}"));
        await operatorPage.Locator("form:has(button:has-text('Принять отчёт')) button").First.ClickAsync();
        await operatorPage.Locator("#report-status").Filter(new LocatorFilterOptions { HasText = "принят" }).WaitForAsync();
        await Support.Browser.ShotAsync(operatorPage, "review-path-6-accepted", "Отчёт принят муниципалитетом; история переходов");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await StatusAsync(reportId), Is.EqualTo("accepted_by_municipality"));
            var path = await ScalarAsync<string>(
                "SELECT string_agg(to_status, ' > ' ORDER BY id) FROM ekis.report_transition WHERE report_id = $1", reportId);
            Assert.That(path, Is.EqualTo("draft > submitted > returned_by_municipality > submitted > accepted_by_municipality"));
            Assert.That(await operatorPage.Locator("#history").InnerTextAsync(), Does.Contain(comment));
            Assert.That(await ScalarAsync<long>(
                "SELECT count(*) FROM ekis.report_value v JOIN ekis.template_cell c USING (cell_id) WHERE v.report_id = $1 AND c.section = '2.4' AND c.row_code = '02' AND c.column_code = '4' AND v.value = $2",
                reportId, (decimal)(V("02", "4") + 1)), Is.EqualTo(1), "the correction typed after the return is what was accepted");
            Assert.That(_consoleErrors, Is.Empty);
        });
    }
}
