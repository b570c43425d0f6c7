using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

public class FormatCheckTests
{
    private static readonly FormTemplate T = Template("", """
        <row code="05" type="F" name="Флаг"><cell column="3" inputType="1" format="N(1,0)" vldType="3" vld="1,2"/><cell column="4" inputType="0"/><cell column="5" vldType="2" vld="0-100"/></row>
        <row code="06" type="F" name="Код"><cell column="3" vldType="1" dic="s_kind"/><cell column="4" format="C(3)"/></row>
        <row code="07" type="C" name="в том числе"/>
        """);

    private static Report Valid(params string[] cells) => Report(T, ["1:05:3=1", .. cells]);

    private static string[] Codes(Report r) => ReportChecker.Check(T, r).Errors.Select(f => f.Code).ToArray();

    [Test]
    public void A_valid_report_has_no_findings() => Assert.That(ReportChecker.Check(T, Valid("1:01:3=1.25", "1:05:5=100", "1:06:3=2", "1:06:4=abc")).All, Is.Empty);

    [TestCase("0101")]
    [TestCase("1")]
    [TestCase("01")]
    public void Both_period_styles_are_accepted(string period) =>
        Assert.That(ReportChecker.Check(T, Valid() with { Header = Valid().Header with { Period = period } }).Errors, Is.Empty);

    [TestCase("0102")]
    [TestCase("1201")]
    [TestCase("2")]
    [TestCase("")]
    [TestCase("год")]
    public void A_period_outside_the_template_dictionary_is_an_error(string period) =>
        Assert.That(Codes(Valid() with { Header = Valid().Header with { Period = period } }), Is.EqualTo(new[] { "period" }));

    [TestCase("26")]
    [TestCase("")]
    [TestCase("1800")]
    public void The_year_must_be_a_four_digit_year(string year) =>
        Assert.That(Codes(Valid() with { Header = Valid().Header with { Year = year } }), Is.EqualTo(new[] { "year" }));

    [Test]
    public void Form_shifr_and_format_version_must_match_the_template()
    {
        var r = Valid();
        Assert.That(Codes(r with { Header = r.Header with { Form = "2", Shifr = "z", FormatVersion = "1.2" } }), Is.EquivalentTo(new[] { "form", "shifr", "format-version" }));
        Assert.That(Codes(r with { Header = r.Header with { Form = "001" } }), Is.Empty, "codes compare numerically");
    }

    [Test]
    public void Another_template_version_is_a_template_error_and_nothing_else_is_checked()
    {
        var r = Valid();
        var result = ReportChecker.Check(T, r with { Header = r.Header with { Version = "02-02-2027" } });
        Assert.That(result.Errors.Single().Kind, Is.EqualTo(FindingKind.Template));
    }

    [TestCase("1234567", true)]
    [TestCase("12345678", false)]
    [TestCase("1234567890", false)]
    [TestCase("12345678901234", false)]
    [TestCase("123456789", true)]
    [TestCase("1234567A", true)]
    public void An_okpo_has_8_10_or_14_digits(string okpo, bool error)
    {
        var r = Valid() with { Title = [new ReportTitleItem("okpo", okpo)] };
        Assert.That(Codes(r).Contains("okpo"), Is.EqualTo(error));
    }

    [Test]
    public void Title_fields_must_be_present_once_non_empty_and_nothing_extra()
    {
        Assert.That(Codes(Valid() with { Title = [] }), Is.EqualTo(new[] { "title-missing" }));
        Assert.That(Codes(Valid() with { Title = [new("okpo", "")] }), Is.EqualTo(new[] { "title-empty" }));
        Assert.That(Codes(Valid() with { Title = [new("okpo", "12345678"), new("okpo", "12345678")] }), Is.EqualTo(new[] { "title-duplicate" }));
        Assert.That(Codes(Valid() with { Title = [new("okpo", "12345678"), new("boss", "x")] }), Is.EqualTo(new[] { "title-extra" }));
    }

    [Test]
    public void Every_section_must_be_present_once_and_known()
    {
        var r = Valid();
        Assert.That(Codes(r with { Sections = r.Sections.Where(s => s.Code != "2").ToArray() }), Is.EqualTo(new[] { "section-missing" }));
        Assert.That(Codes(r with { Sections = [.. r.Sections, new ReportSection("2", [])] }), Is.EqualTo(new[] { "section-duplicate" }));
        Assert.That(Codes(r with { Sections = [.. r.Sections, new ReportSection("9", [])] }), Is.EqualTo(new[] { "section-unknown" }));
    }

    [Test]
    public void Duplicate_unknown_and_caption_rows_are_errors()
    {
        var r = Valid();
        var s1 = r.Sections[0];
        var dup = s1 with { Rows = [.. s1.Rows, new ReportRow("5", [new ReportCell("3", "1")])] };
        Assert.That(Codes(r with { Sections = [dup, r.Sections[1]] }), Is.EqualTo(new[] { "row-duplicate" }));
        var unknown = s1 with { Rows = [.. s1.Rows, new ReportRow("77", [new ReportCell("3", "1")])] };
        Assert.That(Codes(r with { Sections = [unknown, r.Sections[1]] }), Is.EqualTo(new[] { "row-unknown" }));
        var caption = s1 with { Rows = [.. s1.Rows, new ReportRow("07", [new ReportCell("3", "1")])] };
        Assert.That(Codes(r with { Sections = [caption, r.Sections[1]] }), Is.EqualTo(new[] { "row-caption" }));
    }

    [Test]
    public void M_rows_repeat_by_specific_but_not_with_the_same_specific()
    {
        Assert.That(Codes(Valid("2:01[1]:3=1", "2:01[2]:3=1")), Is.Empty);
        var r = Valid("2:01[1]:3=1");
        var s2 = r.Sections[1];
        Assert.That(Codes(r with { Sections = [r.Sections[0], s2 with { Rows = [.. s2.Rows, new ReportRow("01", [], "01")] }] }), Is.EqualTo(new[] { "row-duplicate" }));
        Assert.That(Codes(Valid("2:01[9]:3=1")), Is.EqualTo(new[] { "specific-dictionary" }));
        Assert.That(Codes(Valid("2:01:3=1")), Is.EqualTo(new[] { "specific-missing" }));
    }

    [Test]
    public void Mandatory_cells_must_be_filled() => Assert.That(Codes(Report(T)), Is.EqualTo(new[] { "cell-mandatory" }));

    [TestCase("1:01:3=1.234", "cell-number")]     // N(9,2): too many decimals
    [TestCase("1:01:3=1234567890", "cell-number")] // too many integer digits
    [TestCase("1:01:3=1,5", "cell-number")]       // comma is not a decimal separator
    [TestCase("1:01:3=abc", "cell-number")]
    [TestCase("1:01:3=1.", "cell-number")]
    [TestCase("1:05:4=1", "cell-not-entered")]     // «х» cell
    [TestCase("1:01:1=Итого", "cell-not-entered")] // descriptive column
    [TestCase("1:05:5=101", "cell-range")]
    [TestCase("1:06:3=7", "cell-dictionary")]
    [TestCase("1:06:4=abcd", "cell-length")]
    [TestCase("1:01:9=1", "column-unknown")]
    public void A_bad_cell_is_reported_with_its_address(string cell, string code)
    {
        var r = ReportChecker.Check(T, Valid(cell));
        var f = r.Errors.Single();
        var address = cell[..cell.IndexOf('=', StringComparison.Ordinal)].Split(':');
        Assert.Multiple(() =>
        {
            Assert.That(f.Code, Is.EqualTo(code));
            Assert.That(f.Kind, Is.EqualTo(FindingKind.Format));
            Assert.That(f.Section, Is.EqualTo(address[0]));
            Assert.That(EKIS.Reporting.Templates.Model.Codes.Same(f.Row, address[1]), Is.True);
            Assert.That(f.Column, Is.EqualTo(address[2]));
        });
    }

    [Test]
    public void A_flag_outside_its_list_is_an_error() => Assert.That(Codes(Report(T, "1:05:3=3")), Is.EqualTo(new[] { "cell-list" }));
}
