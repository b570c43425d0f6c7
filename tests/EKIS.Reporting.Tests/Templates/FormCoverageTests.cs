using System.Text.RegularExpressions;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

/// <summary>
/// The full forms against the coverage tables of templates/forms/README.md (issue 12): every
/// section the table lists is in the template with the stated number of data rows and input cells,
/// the template has no section the table lacks, and each section says in the XML what it rests on,
/// in the same words as the table. A section or row dropped from a template, or a table that no
/// longer tells the truth, fails here.
/// </summary>
public partial class FormCoverageTests
{
    public static readonly string[] FullForms = ["oo-1-2026", "85-k-2026", "1-dop-2026"];

    private static readonly string[] SourceKinds = ["official", "predecessor", "reconstructed"];

    internal sealed record CoverageRow(string Section, string Source, int Rows, int InputCells);

    /// <summary>The table that follows the README heading naming the file (`oo-1-2026.xml`).</summary>
    internal static List<CoverageRow> CoverageTable(string form)
    {
        var lines = File.ReadAllLines(RepoPath("templates", "forms", "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("### ", StringComparison.Ordinal) && l.Contains($"`{form}.xml`", StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"templates/forms/README.md has no «### … `{form}.xml`» heading");
        var rows = new List<CoverageRow>();
        foreach (var line in lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells[0] is "section" || cells[0].StartsWith("---", StringComparison.Ordinal))
                continue;
            rows.Add(new CoverageRow(cells[0], cells[1], int.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    internal static int InputCells(TemplateSection s)
    {
        var n = 0;
        for (var r = 0; r < s.Rows.Count; r++)
        {
            if (s.Rows[r].Type != RowType.F)
                continue;
            for (var c = 0; c < s.Columns.Count; c++)
                if (s.Columns[c].Type == ColumnType.Z && s.CellSpecFor(r, c).InputType != InputType.NotEntered)
                    n++;
        }
        return n;
    }

    [TestCaseSource(nameof(FullForms))]
    public void Every_section_of_the_coverage_table_is_in_the_template_with_its_rows_and_input_cells(string form)
    {
        var table = CoverageTable(form);
        var t = TemplateXml.LoadFile(RepoPath("templates", "forms", form + ".xml"));
        Assert.That(table, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(t.Sections.Select(s => s.Code), Is.EqualTo(table.Select(r => r.Section)), "the template's sections, in order, are the table's");
            foreach (var row in table)
            {
                var s = t.Sections.FirstOrDefault(x => Codes.Same(x.Code, row.Section));
                if (s is null)
                    continue;
                Assert.That(s.Rows.Count(r => r.Type == RowType.F), Is.EqualTo(row.Rows), $"{form} section {row.Section}: data rows");
                Assert.That(InputCells(s), Is.EqualTo(row.InputCells), $"{form} section {row.Section}: input cells");
            }
        });
    }

    [TestCaseSource(nameof(FullForms))]
    public void Every_section_says_what_it_rests_on_in_the_words_of_the_table(string form)
    {
        var table = CoverageTable(form);
        var xml = File.ReadAllText(RepoPath("templates", "forms", form + ".xml"));
        var marked = SourceComment().Matches(xml).ToDictionary(m => m.Groups["code"].Value, m => m.Groups["source"].Value.Trim());
        Assert.Multiple(() =>
        {
            foreach (var row in table)
            {
                var kind = SourceKinds.FirstOrDefault(k => row.Source.StartsWith(k, StringComparison.Ordinal));
                Assert.That(kind, Is.Not.Null, $"{form} section {row.Section}: the table's source starts with official, predecessor or reconstructed");
                Assert.That(marked.TryGetValue(row.Section, out var comment), Is.True, $"{form} section {row.Section} has a <!-- source: … --> comment right before it");
                if (kind is not null && comment is not null)
                    Assert.That(comment, Does.StartWith(kind), $"{form} section {row.Section}: the XML and the table name the same kind of source");
            }
        });
    }

    [Test]
    public void The_full_ОО_1_has_well_over_a_thousand_input_cells()
    {
        var t = TemplateXml.LoadFile(RepoPath("templates", "forms", "oo-1-2026.xml"));
        Assert.That(t.Sections.Sum(InputCells), Is.GreaterThan(1000));
    }

    [GeneratedRegex("""<!--\s*source:(?<source>[^>]*?)-->\s*<section\s+code="(?<code>[^"]+)" """, RegexOptions.CultureInvariant)]
    private static partial Regex SourceComment();
}
