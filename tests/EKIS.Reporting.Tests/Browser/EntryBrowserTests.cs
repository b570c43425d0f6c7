using EKIS.Reporting.Tests.Reports;
using EKIS.Reporting.Tests.Support;
using Microsoft.Playwright;

namespace EKIS.Reporting.Tests.Browser;

/// <summary>
/// Issue 6, item 13 (the school's part): a director opens the form from «Мои формы», types values
/// (with a space as the thousands separator), sees them autosaved, adds repeatable rows from the
/// dictionary, runs «Проверить», follows the error to its highlighted cell, fixes it and sends.
/// </summary>
public sealed class EntryBrowserTests : ReportPageTest
{
    private static void Step(string what) => File.AppendAllText(Path.Combine(TestDatabase.StateFolder, "browser-steps.log"), $"{DateTime.Now:HH:mm:ss} entry: {what}\n");

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

    private static async Task TypeAsync(IPage page, string cellId, string value)
    {
        var input = page.Locator("#" + cellId);
        await input.ClickAsync();
        await input.FillAsync("");
        await input.PressSequentiallyAsync(value);
        await input.PressAsync("Tab");
    }

    [Test]
    public async Task Director_types_values_sees_autosave_checks_fixes_the_highlighted_error_and_sends()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { Locale = "ru-RU", ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        page.Console += (_, m) => { if (m.Type == "error") _consoleErrors.Add(m.Text); };
        string Url(string path) => new Uri(_app.Address, path).ToString();

        Step("sign in");
        await page.GotoAsync(Url("/Account/Login"));
        await page.FillAsync("input[name=login]", "t-director");
        await page.FillAsync("input[name=password]", TestAccounts.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/Org/Card?id=*", new PageWaitForURLOptions { Timeout = 60_000 });

        Step("my forms");
        await page.GotoAsync(Url("/Reports/My"));
        await Support.Browser.ShotAsync(page, "1-my-forms", "«Мои формы»");
        await page.ClickAsync("table.my-forms button:has-text('Заполнить')");
        await page.WaitForURLAsync("**/Reports/Fill/*");
        var reportId = long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        Step("title and section 1");
        foreach (var field in await page.Locator("input.title-field").AllAsync())
        {
            var name = await field.GetAttributeAsync("data-field");
            await field.FillAsync(name switch
            {
                "email" => "school1@example.org",
                "phone" => "+7 900 000-00-00",
                "leader_fio" => "Иванова Ольга Сергеевна",
                "responsible_post" => "заместитель директора",
                _ => "Петров Пётр Петрович",
            });
        }
        await TypeAsync(page, "cell-1_1_3", "1 060");
        await TypeAsync(page, "cell-1_2_3", "0");
        await TypeAsync(page, "cell-1_3_3", "0");
        await TypeAsync(page, "cell-1_4_3", "510");
        await TypeAsync(page, "cell-1_5_3", "40");
        await TypeAsync(page, "cell-1_6_3", "26,5");
        await Support.Browser.WaitSavedAsync(page);
        Assert.That(await page.InputValueAsync("#cell-1_1_3"), Is.EqualTo("1 060"));
        Assert.That(await ScalarAsync<string>(
            "SELECT v.value::text FROM ekis.report_value v JOIN ekis.template_cell c USING (cell_id) WHERE v.report_id = $1 AND c.section = '1' AND c.row_code = '01'", reportId),
            Is.EqualTo("1060"), "autosaved without pressing anything");

        Step("bad input feedback");
        await TypeAsync(page, "cell-1_3_3", "abc");
        Assert.That(await page.Locator("td:has(#cell-1_3_3)").GetAttributeAsync("class"), Does.Contain("invalid"));
        await TypeAsync(page, "cell-1_3_3", "0");
        Assert.That(await page.Locator("td:has(#cell-1_3_3)").GetAttributeAsync("class"), Does.Not.Contain("invalid"));
        await TypeAsync(page, "cell-1_2_3", "1");   // switching the tab at once: the page saves before it goes

        Step("section 2: repeatable rows");
        await page.ClickAsync("nav.tabs a[data-section='2']");
        await page.WaitForURLAsync("**section=2");
        Assert.That(await page.Locator("#restore-banner").IsHiddenAsync(), Is.True, "the tab switch saved everything: nothing to restore");
        Assert.That(await ScalarAsync<string>(
            "SELECT v.value::text FROM ekis.report_value v JOIN ekis.template_cell c USING (cell_id) WHERE v.report_id = $1 AND c.section = '1' AND c.row_code = '02'", reportId),
            Is.EqualTo("1"));
        foreach (var (grade, classes, pupils) in new[] { ("1", "20", "500"), ("2", "20", "560") })
        {
            await page.SelectOptionAsync("tr.row-add select.key-pick", grade);
            await page.ClickAsync("tr.row-add button.add-instance");
            await TypeAsync(page, $"cell-2_1_3_{grade}", classes);
            await TypeAsync(page, $"cell-2_1_4_{grade}", pupils);
        }
        await Support.Browser.WaitSavedAsync(page);
        await Support.Browser.ShotAsync(page, "2-section-2-rows", "Раздел 2: строки по параллелям добавлены из справочника");

        Step("check");
        await page.ClickAsync("#check-button");
        var error = page.Locator("#check-list li.error").First;
        await error.WaitForAsync();
        Assert.That(await error.InnerTextAsync(), Does.Contain("Контроль 6"));
        Assert.That(await page.Locator("#check-list li.error").CountAsync(), Is.EqualTo(1));
        await Support.Browser.ShotAsync(page, "3-check-errors", "«Проверить»: ошибка контроля 6 и подсвеченные ячейки");

        Step("follow the error to section 1");
        await error.Locator("a", new LocatorLocatorOptions { HasText = "разд. 1" }).ClickAsync();
        await page.WaitForURLAsync("**section=1#cell-1_4_3");
        var highlighted = page.Locator("td.highlight #cell-1_4_3");
        await highlighted.WaitForAsync();
        await Support.Browser.ShotAsync(page, "4-highlighted-cell", "Ячейка с ошибкой подсвечена");
        Assert.That(await page.EvalOnSelectorAsync<string>("#cell-1_4_3", "e => getComputedStyle(e).backgroundColor"), Is.EqualTo("rgb(255, 217, 212)"),
            "the highlight stays visible on the focused cell");
        await TypeAsync(page, "cell-1_4_3", "500");
        await Support.Browser.WaitSavedAsync(page);

        Step("check again and send");
        await page.ClickAsync("#check-button");
        await page.Locator("#check-summary.clean").WaitForAsync();
        await page.ClickAsync("#submit-button");
        await page.Locator("#notice").WaitForAsync();
        await Support.Browser.ShotAsync(page, "5-sent", "Отчёт отправлен и открыт только для чтения");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await page.Locator("#notice").InnerTextAsync(), Does.Contain("Отчёт отправлен"));
            Assert.That(await page.Locator("#report-status").InnerTextAsync(), Is.EqualTo("отправлен"));
            Assert.That(await page.Locator("input.v").CountAsync(), Is.Zero, "read-only once sent");
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.report WHERE id = $1", reportId), Is.EqualTo("submitted"));
            Assert.That(_consoleErrors, Is.Empty);
        });
    }
    [Test]
    public async Task Sum_hints_follow_typing_a_crashed_tab_restores_its_unsaved_cells_and_the_cell_menu_keeps_comments_and_history()
    {
        var xml = await File.ReadAllTextAsync(EKIS.Reporting.Tests.Templates.TemplateTestKit.RepoPath("templates", "forms", "1-dop.xml"));
        var template = await Templates.LoadAsync(EKIS.Reporting.Infrastructure.Actors.Actor.Cli, "1-dop.xml", xml);
        var campaign = (await Open.OpenAsync(Analyst, As(Analyst), new Features.Campaigns.OpenCampaign.Command(template.Id, 2026, "0101", RealToday.AddDays(20), Kinds: ["general"]))).CampaignId;
        var id = (await Start.StartAsync(Director, As(Director), campaign, School1))!.Value;
        string Url(string path) => new Uri(_app.Address, path).ToString();
        Task<string?> StoredAsync(string row) => ScalarAsync<string>(
            "SELECT v.value::text FROM ekis.report_value v JOIN ekis.template_cell c USING (cell_id) WHERE v.report_id = $1 AND c.row_code = $2 AND c.column_code = '3'", id, row);

        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ru-RU", ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        page.Console += (_, m) => { if (m.Type == "error" && !m.Text.Contains("Failed to load resource", StringComparison.Ordinal)) _consoleErrors.Add(m.Text); };
        await page.GotoAsync(Url("/Account/Login"));
        await page.FillAsync("input[name=login]", "t-director");
        await page.FillAsync("input[name=password]", TestAccounts.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/Org/Card?id=*", new PageWaitForURLOptions { Timeout = 60_000 });
        await page.GotoAsync(Url($"/Reports/Fill/{id}"));

        Step("sum hints");
        await TypeAsync(page, "cell-1_2_3", "1 200");
        await TypeAsync(page, "cell-1_3_3", "300");
        var hint = page.Locator("td:has(#cell-1_1_3) .sum-hint");
        Assert.That(await hint.InnerTextAsync(), Is.EqualTo("Σ 1 500"));
        Assert.That(await hint.GetAttributeAsync("class"), Does.Contain("mismatch"), "the total is still empty");
        Assert.That(await page.InputValueAsync("#cell-1_1_3"), Is.Empty, "the hint is never written into the cell");
        await TypeAsync(page, "cell-1_1_3", "1 500");
        Assert.That(await hint.GetAttributeAsync("class"), Does.Not.Contain("mismatch"));
        await Support.Browser.WaitSavedAsync(page);
        await Support.Browser.ShotAsync(page, "6-sum-hints", "Подсказка суммы слагаемых рядом с итогом");

        Step("cell menu");
        await page.Locator("#cell-1_2_3").FocusAsync();
        await page.ClickAsync("#cell-menu-button");
        await page.FillAsync("#cell-comment", "по данным журнала кружков");
        await page.ClickAsync("#cell-comment-save");
        await page.Locator("td.has-comment:has(#cell-1_2_3)").WaitForAsync();
        await page.Locator("#cell-1_2_3").ClickAsync(new LocatorClickOptions { Button = MouseButton.Right });
        await page.Locator("#cell-history table.history").WaitForAsync();
        Assert.That(await page.Locator("#cell-history").InnerTextAsync(), Does.Contain("1 200").And.Contain("Тестовый t-director").And.Contain("ввод"));
        Assert.That(await page.InputValueAsync("#cell-comment"), Is.EqualTo("по данным журнала кружков"));
        Assert.That(await page.Locator("#cell-old").InnerTextAsync(), Is.Empty, "a first version has no accepted value to compare with");
        await Support.Browser.ShotAsync(page, "7-cell-menu", "Меню ячейки: комментарий и история значений");
        await page.Keyboard.PressAsync("Escape");

        Step("crash with an unsaved cell");
        // A real crash of the tab's renderer, not a close. Closing a tab runs its pagehide and
        // visibilitychange handlers, and entry.js sends the pending cells from there with a keepalive
        // fetch, which the browser process finishes after the tab is gone. The offline emulation that was
        // meant to stop it belongs to the tab's DevTools session and is torn down with the tab, so whether
        // that last save reached the server was a race between the tab's teardown and the request: under
        // load it sometimes won, the server held the cell, and the new tab rightly offered nothing to
        // restore (#restore-banner never shown). A crashed renderer runs no handler at all, so nothing can
        // be sent; offline only makes the ordinary autosave fail first.
        await context.SetOfflineAsync(true);
        await TypeAsync(page, "cell-1_4_3", "40");
        await page.Locator("#save-state.error").WaitForAsync();
        Assert.That(await page.EvaluateAsync<string?>($"localStorage.getItem('ekis.report.{id}.draft')"), Does.Contain("\"40\""), "the unsaved cell is kept in the browser");
        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Crash += (_, _) => crashed.TrySetResult();
        var crashing = page.GotoAsync("chrome://crash");   // never completes: the renderer dies
        await crashed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(async () => await crashing, Throws.InstanceOf<PlaywrightException>());
        await page.CloseAsync();   // the context cannot go online again while it holds a crashed page
        await context.SetOfflineAsync(false);
        Assert.That(await StoredAsync("04"), Is.Null, "nothing was sent by the crashed tab");

        var again = await context.NewPageAsync();
        again.SetDefaultTimeout(30_000);
        await again.GotoAsync(Url($"/Reports/Fill/{id}"));
        await again.Locator("#restore-banner").WaitForAsync();
        Assert.That(await again.Locator("#restore-text").InnerTextAsync(), Does.Contain("ячеек: 1"));
        await Support.Browser.ShotAsync(again, "8-restore", "Восстановление несохранённых изменений после сбоя браузера");
        await again.ClickAsync("#restore-yes");
        await Support.Browser.WaitSavedAsync(again);
        Assert.That(await again.InputValueAsync("#cell-1_4_3"), Is.EqualTo("40"));
        Assert.That(await StoredAsync("04"), Is.EqualTo("40"));
        Assert.That(await again.EvaluateAsync<string?>($"localStorage.getItem('ekis.report.{id}.draft')"), Is.Null, "the draft is dropped once the server has it");

        await again.GotoAsync(Url($"/Reports/Print/{id}"));
        await Support.Browser.ShotAsync(again, "9-print", "Версия для печати");
        Assert.That(await again.Locator("table.sheet").CountAsync(), Is.EqualTo(1));
        Assert.That(_consoleErrors, Is.Empty);
    }
}
