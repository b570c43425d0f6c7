using System.Diagnostics;
using System.Globalization;
using Dapper;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using Microsoft.Playwright;

namespace EKIS.Reporting.Tests.Browser;

/// <summary>
/// Issue 10, point 16 (a, b): wide tables fit. The campaign list at a laptop's 1366×768 keeps every
/// action link reachable (inside the window, or inside the table's own scroll box, never off the
/// page); the print view's tables stay on an A4 sheet (checked in print layout and in the PDF Chromium
/// prints). On the demo, as the quick start shows it.
/// </summary>
[NonParallelizable]
public sealed class LayoutBrowserTests
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private RunningWebApp _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        await TestDatabase.ResetAsync();
        await new SeedDemo(TestDatabase.DataSource).RunAsync(Actor.Cli);
        await new SeedDemoCampaigns(TestDatabase.DataSource, TimeProvider.System).RunAsync(Actor.Cli);
        (_playwright, _browser) = await Support.Browser.LaunchAsync();
        _app = await RunningWebApp.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    private async Task<IPage> SignedInPageAsync(string login, int width, int height)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ru-RU", ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Url("/Account/Login"));
        await page.FillAsync("input[name=login]", login);
        await page.FillAsync("input[name=password]", DemoAccounts.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/Account/Login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 60_000 });
        return page;
    }

    private string Url(string path) => new Uri(_app.Address, path).ToString();

    [Test]
    public async Task The_campaign_list_keeps_its_actions_reachable_at_1366_by_768()
    {
        var page = await SignedInPageAsync("analyst", 1366, 768);
        await page.GotoAsync(Url("/Campaigns"));
        var links = page.Locator("#campaigns td.row-actions a");
        Assert.That(await links.CountAsync(), Is.GreaterThanOrEqualTo(4), "the demo's campaigns with their actions");
        await Support.Browser.ShotAsync(page, "campaigns-1366", "Кампании at 1366×768");

        var pageOverflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(pageOverflow, Is.LessThanOrEqualTo(0), "the page itself does not scroll sideways");

        // Each link, brought into view the way a person would (scrolling the table's box if it has one),
        // lies inside the window and inside that box.
        var outside = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#campaigns td.row-actions a')].flatMap(a => {
                a.scrollIntoView({ block: 'nearest', inline: 'nearest' });
                const r = a.getBoundingClientRect();
                let box = a.parentElement;
                while (box && box !== document.body && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
                const b = box && box !== document.body ? box.getBoundingClientRect() : { left: 0, right: document.documentElement.clientWidth };
                const inside = r.left >= Math.max(0, b.left) - 0.5 && r.right <= Math.min(document.documentElement.clientWidth, b.right) + 0.5 && r.width > 0;
                return inside ? [] : [`${a.textContent.trim()} at ${Math.round(r.left)}–${Math.round(r.right)}, box ${Math.round(b.left)}–${Math.round(b.right)}`];
            })
            """);
        Assert.That(outside, Is.Empty, "action links out of reach");
        await Support.Browser.ShotAsync(page, "campaigns-1366-actions", "Кампании at 1366×768, actions in view");
    }

    [Test]
    public async Task The_print_view_fits_its_tables_on_an_A4_sheet()
    {
        // The widest report of the demo: ОО-1 with values (its sections have up to a dozen columns).
        var reportId = await WidestReportAsync();
        var page = await SignedInPageAsync("analyst", 1366, 768);
        await page.GotoAsync(Url($"/Reports/Print/{reportId}"));

        // In print layout at the printable width of the sheet (A4 minus 2 × 10 mm at 96 dpi: 1047 px landscape,
        // 718 px portrait) every table ends inside the sheet and no cell's content spills out of it.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        foreach (var (width, which) in new[] { (1047, "table.sheet"), (718, ".print-section:not(.wide) table, .title-block") })
        {
            await page.SetViewportSizeAsync(width, 740);
            var overflowing = await page.EvaluateAsync<string[]>("""
                selector => {
                    const width = document.documentElement.clientWidth;
                    const bad = [];
                    document.querySelectorAll(selector).forEach((t, i) => {
                        const r = t.getBoundingClientRect();
                        const name = (t.querySelector('caption') || t).textContent.trim().slice(0, 40);
                        if (r.right > width + 0.5) bad.push(`${name} ends at ${Math.round(r.right)} > ${width}`);
                        t.querySelectorAll('th, td').forEach(c => {
                            if (c.scrollWidth > c.clientWidth + 1) bad.push(`a cell of ${name} spills over: ${c.textContent.trim().slice(0, 40)}`);
                        });
                    });
                    return bad.slice(0, 20);
                }
                """, which);
            Assert.That(overflowing, Is.Empty, $"print layout {width} px wide");
        }

        // The PDF Chromium prints: A4 sheets, wide sections on landscape ones, and the title of each
        // table's rightmost column lies on the sheet.
        var pdf = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"print-{reportId}.pdf");
        await page.PdfAsync(new PagePdfOptions { Path = pdf, PreferCSSPageSize = true, PrintBackground = true });
        TestContext.AddTestAttachment(pdf, "the print view as Chromium prints it");
        var lastHeaders = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('table.sheet thead tr:first-child')].map(tr => tr.lastElementChild.textContent.trim()).filter(t => t.length > 0)
            """);
        Assert.That(lastHeaders, Is.Not.Empty, "the sheets have header rows");
        var (text, landscape) = await PdfTextAsync(pdf);
        text = Normalise(text);
        Assert.Multiple(() =>
        {
            Assert.That(landscape, Is.GreaterThan(0), "the wide sections are printed on landscape sheets");
            foreach (var header in lastHeaders.Distinct())
                Assert.That(text, Does.Contain(Normalise(header)), $"the last column «{header}» is printed on the sheet");
        });
    }

    private static string Normalise(string s) => string.Concat(s.Where(char.IsLetterOrDigit));

    /// <summary>
    /// The text that lies on the sheets — pdftotext cropped to each page's box, so anything printed
    /// past the edge is left out — and how many sheets are landscape. Every sheet must be A4.
    /// </summary>
    private static async Task<(string Text, int Landscape)> PdfTextAsync(string pdf)
    {
        if (!File.Exists("/usr/bin/pdftotext")) Prerequisites.IgnoreExceptOnCi("pdftotext (apt-get install poppler-utils)");
        var pages = int.Parse(System.Text.RegularExpressions.Regex.Match(await RunAsync("pdfinfo", pdf), @"Pages:\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var text = new System.Text.StringBuilder();
        var landscape = 0;
        for (var i = 1; i <= pages; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            var info = await RunAsync("pdfinfo", "-f", n, "-l", n, pdf);
            var size = System.Text.RegularExpressions.Regex.Match(info, @"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts");
            Assert.That(size.Success, Is.True, info);
            var (w, h) = (double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture));
            Assert.That(new[] { Math.Round(Math.Min(w, h)), Math.Round(Math.Max(w, h)) }, Is.EqualTo(new[] { 595.0, 842.0 }), $"page {i} is an A4 sheet");
            if (w > h) landscape++;
            text.Append(await RunAsync("pdftotext", "-enc", "UTF-8", "-f", n, "-l", n, "-r", "72", "-x", "0", "-y", "0",
                "-W", ((int)Math.Floor(w)).ToString(CultureInfo.InvariantCulture), "-H", ((int)Math.Floor(h)).ToString(CultureInfo.InvariantCulture), pdf, "-"));
        }
        return (text.ToString(), landscape);
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.That(p.ExitCode, Is.Zero, $"{program}: {await errors}");
        return await output;
    }

    private static async Task<long> WidestReportAsync()
    {
        await using var conn = await TestDatabase.DataSource.OpenConnectionAsync();
        return await conn.QuerySingleAsync<long>("""
            SELECT r.id FROM ekis.report r JOIN ekis.report_value v ON v.report_id = r.id
            JOIN ekis.template_cell c ON c.cell_id = v.cell_id
            GROUP BY r.id ORDER BY count(DISTINCT c.column_code) DESC, count(*) DESC, r.id LIMIT 1
            """);
    }
}
