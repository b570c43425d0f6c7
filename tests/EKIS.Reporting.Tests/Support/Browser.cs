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
}
