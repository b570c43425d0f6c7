using Microsoft.Playwright;

namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// Headless Debian Chromium driven by Playwright (Playwright cannot download its own browser here).
/// EKIS_CHROMIUM overrides the path. Without a browser the test fails under CI=true, skips locally.
/// </summary>
public static class Browser
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("EKIS_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            Prerequisites.IgnoreExceptOnCi($"Chromium at {ExecutablePath} (apt-get install chromium)");
        // A broken driver or browser must fail the test with a reason, not hang the run.
        var playwright = await Playwright.CreateAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            Timeout = 60_000,
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage"],
        }).WaitAsync(TimeSpan.FromSeconds(90));
        return (playwright, browser);
    }

    /// <summary>A full-page screenshot saved under the test's work folder and attached to the test result.</summary>
    public static async Task ShotAsync(IPage page, string name, string description)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, description);
    }

    /// <summary>Signs in on the sign-in page the browser shows and waits until it has left it (for the return address or the start page).</summary>
    public static async Task SignInAsync(IPage page, string login, string password)
    {
        await page.FillAsync("input[name=login]", login);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new PageWaitForURLOptions { Timeout = 60_000 });
    }

    /// <summary>Waits until the entry page's autosave says «Сохранено в …» (not HasText: it matches case-insensitively, so «Не сохранено» would pass).</summary>
    public static Task WaitSavedAsync(IPage page) =>
        page.Locator("#save-state").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex("^Сохранено в") })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
}
