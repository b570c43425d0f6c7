using System.Text;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

public class TemplateXmlTests
{
    [Test]
    public void The_reference_sample_pair_loads_and_checks_clean()
    {
        var t = TemplateXml.LoadFile(DataPath("demo.template.xml"));
        var r = ReportXml.LoadFile(DataPath("demo.report.xml"));
        var result = ReportChecker.Check(t, r);
        Assert.That(result.All, Is.Empty, string.Join("\n", result.All.Select(f => f.Message)));
        Assert.Multiple(() =>
        {
            Assert.That(t.Code, Is.EqualTo("609999001001"));
            Assert.That(t.Version, Is.EqualTo("01-09-2026"));
            Assert.That(t.Title, Has.Count.EqualTo(7));
            Assert.That(t.Sections[0].Columns.Select(c => c.Type), Is.EqualTo(new[] { ColumnType.B, ColumnType.B, ColumnType.Z, ColumnType.Z, ColumnType.Z }));
            Assert.That(t.Sections[0].Columns[2].DefaultCell.Format, Is.EqualTo(new CellFormat.Number(9, 0)));
            Assert.That(t.Controls.Select(c => c.IsBroken), Is.All.False);
            Assert.That(t.LoadProblems, Is.Empty);
        });
    }

    [Test]
    public void A_rosstat_style_template_with_letter_codes_key_columns_m_rows_and_cell_overrides_loads()
    {
        var t = TemplateXml.LoadString("""
            <metaForm code="609999002012" idp="12" idf="2" shifr="x" name="x" obj="okpo" OKUD="0609999" format-version="1.3" version="1">
              <sections><section code="1" name="р">
                <columns>
                  <column code="А" type="B" name="Наименование"><default-cell column="А" inputType="0" format="C(250)"/></column>
                  <column code="Б" type="S" fld="s1" name="Код"><default-cell column="Б" inputType="1" format="C(8)" vldType="4" dic="s_k"/></column>
                  <column code="1" type="Z" name="Число"><default-cell column="1" inputType="2" format="N(9,0)"/></column>
                </columns>
                <rows>
                  <row code="01" type="F" name="Всего"><cell column="1" inputType="1" format="N(12,1)"/></row>
                  <row code="02" type="M" name="По кодам"/>
                </rows>
              </section></sections>
              <controls><control id="1" name="стр.01 = сумме стр.02" condition="" rule="{[1][01][1]} = SUM{[1][02][1]}" tip="1"/></controls>
              <dics><dic id="s_k"><term id="01">А</term><term id="02">Б</term></dic></dics>
            </metaForm>
            """);
        var s = t.Sections[0];
        Assert.Multiple(() =>
        {
            Assert.That(s.ColumnIndex("а"), Is.EqualTo(0), "letter codes compare case-insensitively");
            Assert.That(s.Columns[1].Fld, Is.EqualTo("s1"));
            Assert.That(s.Rows[1].Type, Is.EqualTo(RowType.M));
            Assert.That(s.CellSpecFor(0, 2), Is.EqualTo(s.Rows[0].CellOverrides["1"]));
            Assert.That(s.CellSpecFor(0, 2).InputType, Is.EqualTo(InputType.Mandatory));
            Assert.That(s.CellSpecFor(0, 2).Format, Is.EqualTo(new CellFormat.Number(12, 1)));
            Assert.That(s.CellSpecFor(1, 2).Format, Is.EqualTo(new CellFormat.Number(9, 0)));
            Assert.That(t.Controls.Single().IsBroken, Is.False);
        });
        var report = ReportXml.LoadString("""
            <report code="609999002012" form="2" shifr="x" version="1" format-version="1.3" year="2026" period="1203">
              <title/>
              <sections><section code="1">
                <row code="1"><col code="1">5</col></row>
                <row code="2" s1="01"><col code="1">2</col></row>
                <row code="2" s1="2"><col code="1">3</col></row>
              </section></sections>
            </report>
            """);
        Assert.That(ReportChecker.Check(t, report).All, Is.Empty);
    }

    [Test]
    public void Writing_then_reading_gives_the_same_report()
    {
        var t = TemplateXml.LoadFile(DataPath("demo.template.xml"));
        var r = ReportXml.LoadFile(DataPath("demo.report.xml"));
        var xml = ReportXml.WriteString(r, t);
        var again = ReportXml.LoadString(xml);
        Assert.That(ReportXml.WriteString(again, t), Is.EqualTo(xml));
        Assert.That(again.Header, Is.EqualTo(r.Header));
        Assert.That(again.Title.Select(i => (i.Name, i.Value)), Is.EqualTo(r.Title.Select(i => (i.Name, i.Value))));
        Assert.That(Cells(again), Is.EqualTo(Cells(r)));
        Assert.That(xml, Does.StartWith("""<?xml version="1.0" encoding="utf-8"?>"""));
    }

    [Test]
    public void Writing_uses_the_template_spelling_of_codes_and_omits_empty_cells()
    {
        var t = TemplateXml.LoadFile(DataPath("demo.template.xml"));
        var r = new Report(new ReportHeader(t.Code, "1", "demo", t.Version, "1.3", "2026", "0101"), [],
            [new ReportSection("1", [new ReportRow("1", [new ReportCell("3", "2.5"), new ReportCell("4", "")])])]);
        var xml = ReportXml.WriteString(r, t);
        Assert.That(xml, Does.Contain("""<row code="01">"""));
        Assert.That(xml, Does.Contain("""<col code="3">2.5</col>"""));
        Assert.That(xml, Does.Not.Contain("""code="4" """.Trim()));
        var bytes = Encoding.UTF8.GetBytes(xml);
        Assert.That(bytes[0], Is.EqualTo((byte)'<'), "no byte-order mark");
    }

    private static IEnumerable<string> Cells(Report r) =>
        r.Sections.SelectMany(s => s.Rows.SelectMany(row => row.Cells.Select(c => $"{s.Code}/{row.Code}/{row.S1}/{c.Column}={c.Value}")));

    [Test]
    public void Malformed_xml_is_a_clear_error_with_a_line()
    {
        var ex = Assert.Throws<XmlInputException>(() => TemplateXml.LoadString("<metaForm code=\"1\">\n<sections>\n</metaForm>"));
        Assert.That(ex!.Message, Does.Contain("не является корректным XML"));
        Assert.That(ex.Line, Is.EqualTo(3));
    }

    [Test]
    public void The_wrong_root_element_is_refused()
    {
        var ex = Assert.Throws<XmlInputException>(() => TemplateXml.LoadString("<report code=\"1\"/>"));
        Assert.That(ex!.Message, Does.Contain("<metaForm>"));
        Assert.Throws<XmlInputException>(() => ReportXml.LoadString("<metaForm code=\"1\"/>"));
    }

    [Test]
    public void A_template_without_code_or_version_is_refused()
    {
        Assert.Throws<XmlInputException>(() => TemplateXml.LoadString("<metaForm version=\"1\"/>"));
        Assert.Throws<XmlInputException>(() => TemplateXml.LoadString("<metaForm code=\"1\"/>"));
    }

    [Test]
    public void A_dtd_is_refused_so_entities_never_expand()
    {
        const string billionLaughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <report code="&lol2;"/>
            """;
        var ex = Assert.Throws<XmlInputException>(() => ReportXml.LoadString(billionLaughs));
        Assert.That(ex!.Message, Does.Contain("DTD"));
        const string external = """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><report code="&x;"/>""";
        Assert.Throws<XmlInputException>(() => ReportXml.LoadString(external));
    }

    [Test]
    public void An_oversized_file_is_refused_before_parsing()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"big-{Guid.NewGuid():N}.xml");
        try
        {
            using (var f = File.Create(path))
                f.SetLength(SafeXml.DefaultMaxBytes + 1);
            var ex = Assert.Throws<XmlInputException>(() => ReportXml.LoadFile(path));
            Assert.That(ex!.Message, Does.Contain("слишком большой"));
        }
        finally
        {
            File.Delete(path);
        }
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("<report>" + new string('x', 2000) + "</report>"));
        Assert.Throws<XmlInputException>(() => SafeXml.Load(stream, "Отчёт", maxBytes: 1000));
    }

    [Test]
    public void A_missing_file_is_a_clear_error()
    {
        var ex = Assert.Throws<XmlInputException>(() => TemplateXml.LoadFile(Path.Combine(TestContext.CurrentContext.WorkDirectory, "no-such.xml")));
        Assert.That(ex!.Message, Does.Contain("не найден"));
    }

    [Test]
    public void Quirks_that_do_not_stop_loading_become_problems_for_lint()
    {
        var t = TemplateXml.LoadString("""
            <metaForm code="609999001001" idp="1" idf="1" OKUD="0609999" version="1">
              <sections><section code="1"><columns>
                <column code="3" type="Q"><default-cell column="3" inputType="7" format="X(1)"/></column>
              </columns><rows/></section></sections>
            </metaForm>
            """);
        Assert.That(t.LoadProblems.Select(p => p.Message), Has.Some.Contains("неизвестный тип «Q»"));
        Assert.That(t.LoadProblems.Select(p => p.Message), Has.Some.Contains("inputType=«7»"));
        Assert.That(t.LoadProblems.Select(p => p.Message), Has.Some.Contains("«X(1)»"));
        Assert.That(t.LoadProblems.All(p => p.Line == 3));
    }
}
