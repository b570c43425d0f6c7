using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Reports;
using EKIS.Reporting.Tests.Support;
using Microsoft.Playwright;

namespace EKIS.Reporting.Tests.Browser;

/// <summary>
/// Issue 10, points 1, 14 and 15 in a real browser: a session that ends mid-typing loses nothing,
/// invalid entries are explained, counted and kept until fixed, and a refused «Отправить» lists its
/// findings with links to the cells like «Проверить» does.
/// </summary>
public sealed class EntryHardeningBrowserTests : ReportPageTest
{
    private static void Step(string what) => File.AppendAllText(Path.Combine(TestDatabase.StateFolder, "browser-steps.log"), $"{DateTime.Now:HH:mm:ss} entry-hardening: {what}\n");

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

    private string Url(string path) => new Uri(_app.Address, path).ToString();

    private async Task<(IBrowserContext Context, IPage Page)> SignedInAsync(string path)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ru-RU", ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        // A refused request (401, 422) is logged by the browser as a failed resource; that is the point here.
        page.Console += (_, m) => { if (m.Type == "error" && !m.Text.Contains("Failed to load resource", StringComparison.Ordinal)) _consoleErrors.Add(m.Text); };
        await page.GotoAsync(Url(path));
        await Support.Browser.SignInAsync(page, "t-director", TestAccounts.Password);
        await page.WaitForURLAsync("**" + path);
        return (context, page);
    }

    private static async Task TypeAsync(IPage page, string cellId, string value)
    {
        var input = page.Locator("#" + cellId);
        await input.ClickAsync();
        await input.FillAsync("");
        await input.PressSequentiallyAsync(value);
        await input.PressAsync("Tab");
    }

    private static Task<string?> StoredAsync(long reportId, string row, string column = "3") => ScalarAsync<string>(
        "SELECT v.value::text FROM ekis.report_value v JOIN ekis.template_cell c USING (cell_id) WHERE v.report_id = $1 AND c.section = '1' AND c.row_code = $2 AND c.column_code = $3",
        reportId, row, column);

    private static Task<string?> DraftAsync(IPage page, long reportId) =>
        page.EvaluateAsync<string?>($"localStorage.getItem('ekis.report.{reportId}.draft')");

    /// <summary>Records every text the save status shows from now on (a status that flashed «Сохранено» would otherwise be missed).</summary>
    private static Task RecordStatesAsync(IPage page) => page.EvaluateAsync("""
        () => {
            window.ekisStates = [];
            const s = document.getElementById('save-state');
            new MutationObserver(() => window.ekisStates.push(s.textContent)).observe(s, { childList: true, characterData: true, subtree: true });
        }
        """);

    // Issue 10, point 1. Before the fix the save was redirected to the sign-in page, fetch followed it to a
    // 200, the status said «Сохранено в …», the draft was deleted and nothing was offered after signing in.
    [TestCase("cookie")]
    [TestCase("stamp")]
    public async Task Cells_typed_after_the_session_ended_are_kept_and_saved_after_signing_in_again(string how)
    {
        var id = await StartedReportAsync();
        var (context, page) = await SignedInAsync($"/Reports/Fill/{id}");
        await using var _ = context;

        Step($"{how}: typing with a session");
        await TypeAsync(page, "cell-1_1_3", "60");
        await Support.Browser.WaitSavedAsync(page);
        Assert.That(await StoredAsync(id, "01"), Is.EqualTo("60"));

        Step($"{how}: the session ends");
        await RecordStatesAsync(page);
        if (how == "cookie")
            await context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { Name = "ekis.auth" });
        else // a password change elsewhere: SessionValidation rejects the cookie on its next request
            await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.app_user SET security_stamp = gen_random_uuid() WHERE id = $1", Director.UserId);
        await TypeAsync(page, "cell-1_2_3", "7");
        await TypeAsync(page, "cell-1_3_3", "2");
        // Either the plain message, or (the bug) a status that claims success.
        await page.Locator("#session-ended:visible, #save-state:text-matches('^Сохранено')").First.WaitForAsync();
        Assert.That(await page.EvaluateAsync<string[]>("window.ekisStates"), Has.None.StartsWith("Сохранено"), "the status never claims a save");
        var ended = page.Locator("#session-ended");
        Assert.That(await ended.IsVisibleAsync(), Is.True, "the page says the session has ended");
        Assert.That(await ended.InnerTextAsync(), Does.Contain("Войдите снова").And.Contain("остались в этом браузере"));

        Step($"{how}: more typing while signed out");
        await TypeAsync(page, "cell-1_4_3", "25");
        await page.WaitForFunctionAsync($"() => (localStorage.getItem('ekis.report.{id}.draft') || '').includes('\"25\"')");
        await Support.Browser.ShotAsync(page, $"session-ended-{how}", "Сеанс завершён: значения сохранены в браузере, предложено войти снова");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await DraftAsync(page, id), Does.Contain("\"7\"").And.Contain("\"2\"").And.Contain("\"25\""), "the draft keeps every unsaved cell");
            Assert.That(await StoredAsync(id, "02"), Is.Null);
            Assert.That(await StoredAsync(id, "04"), Is.Null);
            Assert.That(await page.Locator("#save-state").InnerTextAsync(), Does.Not.StartWith("Сохранено"));
        });

        Step($"{how}: sign in again in a new tab");
        var link = ended.Locator("a");
        Assert.That(await link.GetAttributeAsync("target"), Is.EqualTo("_blank"), "the page with the unsaved cells stays open");
        Assert.That(await link.GetAttributeAsync("href"), Does.StartWith("/Account/Login?returnUrl=" + Uri.EscapeDataString($"/Reports/Fill/{id}")));
        var again = await page.Context.RunAndWaitForPageAsync(() => link.ClickAsync());
        again.SetDefaultTimeout(30_000);
        await again.WaitForURLAsync("**/Account/Login**");
        await Support.Browser.SignInAsync(again, "t-director", TestAccounts.Password);
        await again.WaitForURLAsync($"**/Reports/Fill/{id}**");
        await again.Locator("#restore-banner").WaitForAsync();
        Assert.That(await again.Locator("#restore-text").InnerTextAsync(), Does.Contain("ячеек: 3"));
        await again.ClickAsync("#restore-yes");
        await Support.Browser.WaitSavedAsync(again);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await StoredAsync(id, "01"), Is.EqualTo("60"));
            Assert.That(await StoredAsync(id, "02"), Is.EqualTo("7"));
            Assert.That(await StoredAsync(id, "03"), Is.EqualTo("2"));
            Assert.That(await StoredAsync(id, "04"), Is.EqualTo("25"));
            Assert.That(await DraftAsync(again, id), Is.Null, "the draft goes once the server has it");
            Assert.That(await page.EvaluateAsync<string[]>("window.ekisStates"), Has.None.StartsWith("Сохранено"), "the old tab never claimed a save");
            Assert.That(_consoleErrors, Is.Empty);
        });
    }

    // Issue 10, point 14. Before the fix an invalid cell was red with its message only in a tooltip, the status
    // stayed «Сохранено», Σ added up «-3» and «1 234,5», and the entries were gone after a reload.
    [Test]
    public async Task Invalid_entries_are_explained_beside_the_cell_counted_left_out_of_sum_hints_and_kept_until_fixed()
    {
        var xml = await File.ReadAllTextAsync(EKIS.Reporting.Tests.Templates.TemplateTestKit.RepoPath("templates", "forms", "1-dop.xml"));
        var template = await Templates.LoadAsync(Actor.Cli, "1-dop.xml", xml);
        var campaign = (await Open.OpenAsync(Analyst, As(Analyst), new Features.Campaigns.OpenCampaign.Command(template.Id, 2026, "0101", RealToday.AddDays(20), Kinds: ["general"]))).CampaignId;
        var id = (await Start.StartAsync(Director, As(Director), campaign, School1))!.Value;
        var (context, page) = await SignedInAsync($"/Reports/Fill/{id}");
        await using var _ = context;
        var hint = page.Locator("td:has(#cell-1_1_3) .sum-hint");
        ILocator Message(string cell) => page.Locator($"td:has(#{cell}) .cell-error");

        Step("a valid part");
        await TypeAsync(page, "cell-1_2_3", "100");
        await Support.Browser.WaitSavedAsync(page);
        Assert.That(await hint.InnerTextAsync(), Is.EqualTo("Σ 100"));

        Step("one invalid entry");
        await TypeAsync(page, "cell-1_3_3", "abc");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Message("cell-1_3_3").IsVisibleAsync(), Is.True, "the message is shown in words beside the cell");
            Assert.That(await page.Locator("#save-state").InnerTextAsync(), Does.StartWith("1 значение не сохранено"));
        });

        Step("two more: a negative number and a fraction in an integer cell");
        await TypeAsync(page, "cell-1_4_3", "-3");
        Assert.That(await page.Locator("#save-state").InnerTextAsync(), Does.StartWith("2 значения не сохранены"));
        await TypeAsync(page, "cell-1_5_3", "1 234,5");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Message("cell-1_3_3").InnerTextAsync(), Does.Contain("не число"));
            Assert.That(await Message("cell-1_4_3").InnerTextAsync(), Does.Contain("отрицательное значение «-3» недопустимо"));
            Assert.That(await Message("cell-1_5_3").InnerTextAsync(), Does.Contain("не соответствует формату"));
            Assert.That(await page.Locator("#save-state").InnerTextAsync(), Does.StartWith("3 значения не сохранены"));
            Assert.That(await hint.InnerTextAsync(), Is.EqualTo("Σ 100"), "invalid entries are left out of the sum");
        });
        await TypeAsync(page, "cell-1_6_3", "12a");
        await TypeAsync(page, "cell-1_7_3", "1.2.3");
        Assert.That(await page.Locator("#save-state").InnerTextAsync(), Does.StartWith("5 значений не сохранены"));
        await Support.Browser.ShotAsync(page, "invalid-entries", "Неверные значения: сообщение рядом с ячейкой и число несохранённых в строке состояния");

        Step("reload: the invalid entries are offered back");
        await page.ReloadAsync();
        await page.Locator("#restore-banner").WaitForAsync();
        Assert.That(await page.Locator("#restore-text").InnerTextAsync(), Does.Contain("ячеек: 5"));
        await page.ClickAsync("#restore-yes");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await page.InputValueAsync("#cell-1_4_3"), Is.EqualTo("-3"));
            Assert.That(await Message("cell-1_4_3").InnerTextAsync(), Does.Contain("отрицательное значение «-3» недопустимо"));
            Assert.That(await page.Locator("#save-state").InnerTextAsync(), Does.StartWith("5 значений не сохранены"));
            Assert.That(await hint.InnerTextAsync(), Is.EqualTo("Σ 100"));
            Assert.That(await StoredAsync(id, "03"), Is.Null, "an invalid entry is never sent");
        });

        Step("fix them");
        await TypeAsync(page, "cell-1_3_3", "20");
        await TypeAsync(page, "cell-1_4_3", "3");
        await TypeAsync(page, "cell-1_5_3", "1 234");
        await TypeAsync(page, "cell-1_6_3", "");
        await TypeAsync(page, "cell-1_7_3", "");
        await Support.Browser.WaitSavedAsync(page);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await page.Locator("td .cell-error").CountAsync(), Is.Zero);
            Assert.That(await hint.InnerTextAsync(), Is.EqualTo("Σ 1 357"));
            Assert.That(await StoredAsync(id, "03"), Is.EqualTo("20"));
            Assert.That(await StoredAsync(id, "04"), Is.EqualTo("3"));
            Assert.That(await StoredAsync(id, "05"), Is.EqualTo("1234"));
            Assert.That(await DraftAsync(page, id), Is.Null);
            Assert.That(_consoleErrors, Is.Empty);
        });
    }

    // Issue 10, point 15. Before the fix the refused page listed the findings as plain text, without links.
    [Test]
    public async Task A_refused_submission_lists_its_errors_with_the_same_cell_links_as_the_check()
    {
        var id = await StartedReportAsync();
        var (context, page) = await SignedInAsync($"/Reports/Fill/{id}");
        await using var _ = context;
        await TypeAsync(page, "cell-1_1_3", "61");   // no pupils by grade in section 2: control 1 fails
        await Support.Browser.WaitSavedAsync(page);

        Step("send");
        await page.ClickAsync("#submit-button");
        await page.Locator("#problem").WaitForAsync();
        Assert.That(await page.Locator("#problem").InnerTextAsync(), Does.Contain("ошибки"));
        var links = page.Locator("#check-list li.error .cells a");
        Assert.That(await links.CountAsync(), Is.GreaterThan(0), "the errors link to their cells");
        var afterSubmit = await links.EvaluateAllAsync<string[]>("as => as.map(a => a.textContent + ' ' + a.getAttribute('href'))");
        Assert.That(await page.Locator("#check-list li.error", new PageLocatorOptions { HasText = "Контроль 1" }).Locator(".cells a").CountAsync(), Is.GreaterThan(0));
        await Support.Browser.ShotAsync(page, "submit-refused", "Отправка отклонена: ошибки со ссылками на ячейки");

        Step("follow a link");
        await page.Locator("#check-list li.error .cells a", new PageLocatorOptions { HasText = "стр. 01" }).First.ClickAsync();
        await page.Locator("td.highlight #cell-1_1_3").WaitForAsync();

        Step("the check lists the same links");
        await page.EvaluateAsync("document.getElementById('check-list').textContent = ''");
        await page.ClickAsync("#check-button");
        await page.Locator("#check-list li.error").First.WaitForAsync();
        var afterCheck = await links.EvaluateAllAsync<string[]>("as => as.map(a => a.textContent + ' ' + a.getAttribute('href'))");
        Assert.That(afterSubmit, Is.EqualTo(afterCheck));
        Assert.That(await StatusAsync(id), Is.EqualTo("draft"));
        Assert.That(_consoleErrors, Is.Empty);
    }
}
