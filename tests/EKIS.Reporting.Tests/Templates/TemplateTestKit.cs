using System.Globalization;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Tests.Templates;

/// <summary>Small builders for template and report fixtures, and access to files in the repository.</summary>
internal static class TemplateTestKit
{
    public static string RepoPath(params string[] parts)
    {
        var root = RepositoryPaths.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory)
            ?? throw new InvalidOperationException("Repository root (EKIS.Reporting.sln) not found.");
        return Path.Combine([root, .. parts]);
    }

    public static string DataPath(string name) => RepoPath("tests", "EKIS.Reporting.Tests", "Templates", "Data", name);

    /// <summary>
    /// A small annual template: section 1 with Z columns 3, 4, 5 and F rows 01–04 (plus a caption
    /// row); section 2 with a key column (s1, dictionary s_kind) and an M row 01; the given controls.
    /// </summary>
    public static FormTemplate Template(string controls, string extraSection1Rows = "") => TemplateXml.LoadString($"""
        <?xml version="1.0" encoding="utf-8"?>
        <metaForm code="609999001001" idp="1" idf="1" shifr="t" name="Тест" obj="okpo" OKUD="0609999" format-version="1.3" version="01-01-2026">
          <title><item field="okpo" name="ОКПО"/></title>
          <sections>
            <section code="1" name="Раздел 1">
              <columns>
                <column code="1" type="B" name="Наименование"><default-cell column="1" inputType="0" format="C(250)"/></column>
                <column code="3" type="Z" name="Всего"><default-cell column="3" inputType="2" format="N(9,2)"/></column>
                <column code="4" type="Z" name="А"><default-cell column="4" inputType="2" format="N(9,2)"/></column>
                <column code="5" type="Z" name="Б"><default-cell column="5" inputType="2" format="N(9,2)"/></column>
              </columns>
              <rows>
                <row code="" type="C" name="Заголовок"/>
                <row code="01" type="F" name="Всего"/>
                <row code="02" type="F" name="А"/>
                <row code="03" type="F" name="Б"/>
                <row code="04" type="F" name="В"/>
                {extraSection1Rows}
              </rows>
            </section>
            <section code="2" name="Раздел 2">
              <columns>
                <column code="1" type="S" fld="s1" name="Вид"><default-cell column="1" inputType="1" format="C(2)" vldType="4" dic="s_kind"/></column>
                <column code="3" type="Z" name="Число"><default-cell column="3" inputType="2" format="N(9,0)"/></column>
              </columns>
              <rows><row code="01" type="M" name="По видам"/></rows>
            </section>
          </sections>
          <controls>{controls}</controls>
          <dics>
            <dic id="s_time" name="Период"><term id="0101">За год</term></dic>
            <dic id="s_kind" name="Виды"><term id="1">Первый</term><term id="2">Второй</term><term id="3">Третий</term></dic>
          </dics>
        </metaForm>
        """);

    public static string Control(string id, string rule, string condition = "", string extra = "") =>
        $"""<control id="{id}" name="Контроль {id}" condition="{Esc(condition)}" rule="{Esc(rule)}" {extra}/>""";

    private static string Esc(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>A report for <see cref="Template"/>: cells given as "section:row:column=value", M rows as "2:01[s1]:3=value".</summary>
    public static Report Report(FormTemplate t, params string[] cells) => ReportFor(t, "0101", cells);

    public static Report ReportFor(FormTemplate t, string period, params string[] cells)
    {
        var sections = t.Sections.Select(s => s.Code).ToDictionary(c => c, _ => new List<(string Row, string? S1, string Col, string Value)>());
        foreach (var c in cells)
        {
            var (address, value) = (c[..c.IndexOf('=', StringComparison.Ordinal)], c[(c.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var p = address.Split(':');
            var row = p[1];
            string? s1 = null;
            if (row.Contains('[', StringComparison.Ordinal))
            {
                s1 = row[(row.IndexOf('[', StringComparison.Ordinal) + 1)..^1];
                row = row[..row.IndexOf('[', StringComparison.Ordinal)];
            }
            sections[p[0]].Add((row, s1, p[2], value));
        }
        var h = t.Header;
        return new Report(
            new ReportHeader(h.Code, h.Idf, h.Shifr, h.Version, h.FormatVersion, "2026", period),
            t.Title.Select(f => new ReportTitleItem(f.Field, f.Field == "okpo" ? "12345678" : "Значение")).ToArray(),
            sections.Select(kv => new ReportSection(kv.Key,
                kv.Value.GroupBy(x => (x.Row, x.S1))
                    .Select(g => new ReportRow(g.Key.Row, g.Select(x => new ReportCell(x.Col, x.Value)).ToArray(), g.Key.S1))
                    .ToArray())).ToArray());
    }

    /// <summary>A report of the year before <see cref="Report"/>'s (2025): what a previous-period reference reads.</summary>
    public static Report PreviousYear(FormTemplate t, params string[] cells)
    {
        var r = ReportFor(t, "0101", cells);
        return r with { Header = r.Header with { Year = "2025" } };
    }

    public static string[] FailingControls(CheckResult result) =>
        result.Errors.Concat(result.Warnings).Where(f => f.Kind == FindingKind.Control).Select(f => f.Code).Distinct().Order(StringComparer.Ordinal).ToArray();

    public static string Inv(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
