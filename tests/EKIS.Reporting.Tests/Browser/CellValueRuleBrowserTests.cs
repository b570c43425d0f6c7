using System.Text.Json;
using EKIS.Reporting.Templates;
using EKIS.Reporting.Tests.Templates;
using Microsoft.Playwright;

namespace EKIS.Reporting.Tests.Browser;

/// <summary>
/// Issue 11, point 4: the entry page's script (<c>wwwroot/js/cell-value-rule.js</c>) answers every case
/// of <c>cell-value-cases.json</c> in Chromium as the table says, given the format exactly as the page
/// receives it from <see cref="CellValueRule.Of(EKIS.Reporting.Templates.Model.FormTemplate, EKIS.Reporting.Templates.Model.CellSpec)"/>.
/// </summary>
public sealed class CellValueRuleBrowserTests
{
    [Test]
    public async Task The_browser_rule_answers_every_case_of_the_table_as_the_server_rule_does()
    {
        var (playwright, browser) = await Support.Browser.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync();
            await page.SetContentAsync("<!doctype html><html><body></body></html>");
            await page.AddScriptTagAsync(new PageAddScriptTagOptions
            {
                Path = TemplateTestKit.RepoPath("src", "EKIS.Reporting.Web", "wwwroot", "js", "cell-value-rule.js"),
            });
            var pairs = CellValueRuleTests.Pairs().ToList();
            var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            // The same serialisation as the entry page's data: the format as JSON, parsed by the browser.
            var input = JsonSerializer.Serialize(pairs.Select(p => new
            {
                format = CellValueRuleTests.FormatFor(p.Case),
                input = p.Case.Input,
                spelling = p.Spelling == ValueSpelling.Typed ? "typed" : "written",
            }), web);
            var output = await page.EvaluateAsync<string>(
                "json => JSON.stringify(JSON.parse(json).map(c => EkisCellValue.check(c.format, c.input, c.spelling)))", input);
            var answers = JsonSerializer.Deserialize<List<Answer>>(output, web)!;
            Assert.That(answers, Has.Count.EqualTo(pairs.Count));
            var wrong = pairs.Zip(answers)
                .Where(x => x.Second.Value != x.First.Case.Value || x.Second.Reason != x.First.Case.Reason || x.Second.Message != x.First.Case.Message)
                .Select(x => $"{x.First.Spelling} {x.First.Case}: value «{x.Second.Value}», reason {x.Second.Reason}, message «{x.Second.Message}»")
                .ToList();
            Assert.That(wrong, Is.Empty, string.Join("\n", wrong));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private sealed record Answer(string? Value, string? Reason, string? Message);
}
