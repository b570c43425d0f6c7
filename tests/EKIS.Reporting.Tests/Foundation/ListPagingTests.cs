using System.Net;
using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Paged lists really leave page 1. Razor Pages puts the page's own path into the route value
/// "page", which a handler parameter of that name would bind before the query string.
/// </summary>
public sealed partial class ListPagingTests : DatabaseTest
{
    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    protected override bool StartsFromDemo => true;

    [GeneratedRegex("<tbody>(.*?)</tbody>", RegexOptions.Singleline)]
    private static partial Regex Body();

    private static async Task<string> TableBodyAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        var m = Body().Match(await response.Content.ReadAsStringAsync());
        Assert.That(m.Success, Is.True, $"{path} has a table");
        return m.Groups[1].Value;
    }

    [TestCase("/Org")]
    [TestCase("/Registry")]
    public async Task The_second_page_lists_other_rows_than_the_first(string path)
    {
        var client = await TestAccounts.SignInAsync(_web, "analyst", DemoAccounts.Password);
        var first = await TableBodyAsync(client, path);
        var second = await TableBodyAsync(client, path + "?page=2");
        Assert.That(second, Is.Not.EqualTo(first), "358 respondents fill more than one page");
        Assert.That(await TableBodyAsync(client, path + "?page=1"), Is.EqualTo(first));
    }
}
