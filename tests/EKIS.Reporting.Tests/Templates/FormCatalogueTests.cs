using EKIS.Reporting.Templates;
using EKIS.Reporting.Templates.Xml;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

/// <summary>Names as people say them (issue 12): the form catalogue keyed by ОКУД.</summary>
public class FormCatalogueTests
{
    [TestCase("609521001001", 2026, "0101", "ОО-1 на начало 2026/27 учебного года")]
    [TestCase("609521001001", 2099, "0101", "ОО-1 на начало 2099/00 учебного года")]
    [TestCase("609506001001", 2026, "0101", "85-К за 2026 год")]
    [TestCase("609560001001", 2025, "1", "1-ДОП за 2025 год")]
    [TestCase("9990001001012", 2026, "1211", "Контингент за ноябрь 2026 года")]
    [TestCase("9990001001012", 2026, "1", "Контингент за январь 2026 года")]
    [TestCase("9990001001012", 2026, "1212", "Контингент за декабрь 2026 года")]
    public void A_report_is_named_by_its_form_and_period(string templateCode, int year, string period, string expected)
    {
        Assert.That(FormCatalogue.FindByTemplateCode(templateCode)!.Title(year, period), Is.EqualTo(expected));
    }

    [TestCase("1213")]
    [TestCase("0104")]
    [TestCase("")]
    [TestCase("ноябрь")]
    public void A_monthly_period_that_names_no_month_is_shown_as_its_code_rather_than_failing(string period)
    {
        Assert.That(FormCatalogue.Find("9990001")!.PeriodName(2026, period), Is.EqualTo($"за период «{period}» 2026 года"));
    }

    [Test]
    public void Receivers_follow_the_forms_route()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FormCatalogue.Find("0609521")!.Receiver, Is.EqualTo(FormReceiver.MinistryCabinet));
            Assert.That(FormCatalogue.Find("0609506")!.Receiver, Is.EqualTo(FormReceiver.Rosstat));
            Assert.That(FormCatalogue.Find("609560")!.Receiver, Is.EqualTo(FormReceiver.Rosstat));
            Assert.That(FormCatalogue.Find("9990001")!.Receiver, Is.EqualTo(FormReceiver.Department));
        });
    }

    [Test]
    public void An_unknown_code_finds_no_form()
    {
        Assert.That(FormCatalogue.Find("0000000"), Is.Null);
        Assert.That(FormCatalogue.FindByTemplateCode("12345"), Is.Null);
        Assert.That(FormCatalogue.FindByTemplateCode("abc001001"), Is.Null);
    }

    [Test]
    public void Every_shipped_template_has_a_catalogue_entry_under_its_OKUD()
    {
        var catalog = TemplateCatalog.LoadFolder(RepoPath("templates", "forms"));
        Assert.That(catalog.Templates.Where(t => FormCatalogue.Find(t.Header.Okud) is null).Select(t => t.Code), Is.Empty);
        Assert.That(catalog.Templates.Where(t => FormCatalogue.FindByTemplateCode(t.Code) != FormCatalogue.Find(t.Header.Okud)).Select(t => t.Code), Is.Empty);
    }

    [Test]
    public void The_OKUD_states_are_the_ones_the_forms_README_states()
    {
        // The README's ОКУД table: | form | ОКУД | state | note |. A code shown as confirmed must be confirmed there too.
        var lines = File.ReadAllLines(RepoPath("templates", "forms", "README.md"));
        var start = Array.FindIndex(lines, l => l.Trim() == "### ОКУД codes");
        Assert.That(start, Is.GreaterThanOrEqualTo(0));
        var rows = lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c[1].All(char.IsAsciiDigit) && c[1].Length > 0)
            .ToDictionary(c => c[1], c => c[2]);
        Assert.Multiple(() =>
        {
            foreach (var form in FormCatalogue.All)
            {
                Assert.That(rows.TryGetValue(form.Okud, out var state), Is.True, $"{form.ShortName} ({form.Okud}) is in the README's ОКУД table");
                var expected = form.OkudState switch
                {
                    OkudState.Confirmed => "подтверждён",
                    OkudState.NotConfirmed => "не подтверждён источником",
                    _ => "ведомственный код, не ОКУД",
                };
                Assert.That(state, Does.StartWith(expected), $"{form.ShortName}: ОКУД state");
            }
        });
    }
}
