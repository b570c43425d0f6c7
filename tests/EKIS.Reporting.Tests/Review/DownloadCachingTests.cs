using System.Net;

namespace EKIS.Reporting.Tests.Review;

/// <summary>
/// Issue 10, point 12: a download of personal data (names, statuses, dates of schools and people) is
/// never kept by a browser or a proxy cache: every file the web app returns carries
/// <c>Cache-Control: no-store</c> and <c>Pragma: no-cache</c>.
/// </summary>
public sealed class DownloadCachingTests : ReviewWebTest
{
    /// <summary>Every download the web app offers today; a new one belongs here.</summary>
    private static string[] Downloads(long campaignId) =>
    [
        $"/Campaigns/{campaignId}/Progress?handler=Xlsx",
    ];

    [Test]
    public async Task Every_download_carries_no_store_and_no_cache()
    {
        var analyst = await SignInAsync("t-analyst");
        foreach (var path in Downloads(CampaignId))
        {
            var response = await analyst.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
            Assert.That(response.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"), $"{path} is a download");
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True, $"{path}: Cache-Control is «{response.Headers.CacheControl}»");
            Assert.That(response.Headers.Pragma.Select(p => p.Name), Does.Contain("no-cache"), path);
        }
    }
}
