using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

/// <summary>
/// Every shipped template: its sample report checks clean, and for every control a report derived
/// from the sample by changing a few cells fails exactly the controls that change must break.
/// The expected sets were worked out by hand from the form's arithmetic (issue 3).
/// </summary>
public class ShippedTemplateTests
{
    /// <summary>The excerpts, whose breaking cases are written by hand below.</summary>
    public static readonly string[] Excerpts = ["oo-1", "85-k", "1-dop", "dept-contingent-monthly"];

    /// <summary>The versions of issue 12 (the full forms, the department form's 2026 version), whose breaking cases are generated from the template.</summary>
    public static readonly string[] Generated = ["oo-1-2026", "85-k-2026", "1-dop-2026", "dept-contingent-monthly-2026"];

    public static readonly string[] Forms = [.. Excerpts, .. Generated];

    private static FormTemplate LoadTemplate(string form) => TemplateXml.LoadFile(RepoPath("templates", "forms", form + ".xml"));

    private static Report LoadSample(string form, string kind = "report") => ReportXml.LoadFile(RepoPath("templates", "forms", "samples", $"{form}.{kind}.xml"));

    private static Report? Previous(string form) =>
        File.Exists(RepoPath("templates", "forms", "samples", $"{form}.previous.xml")) ? LoadSample(form, "previous") : null;

    [TestCaseSource(nameof(Forms))]
    public void The_template_loads_without_problems_and_every_control_compiles(string form)
    {
        var t = LoadTemplate(form);
        Assert.That(t.LoadProblems, Is.Empty);
        Assert.That(t.Controls.Where(c => c.IsBroken).Select(c => c.Error), Is.Empty);
    }

    [TestCaseSource(nameof(Forms))]
    public void The_sample_report_checks_clean(string form)
    {
        var result = ReportChecker.Check(LoadTemplate(form), LoadSample(form), Previous(form));
        Assert.That(result.All.Select(f => f.Message), Is.Empty);
    }

    [TestCaseSource(nameof(Generated))]
    public void The_sample_written_back_as_report_XML_reads_and_checks_clean(string form)
    {
        // Issue 12's round trip: template → report XML (as the exporter writes it) → check.
        var t = LoadTemplate(form);
        var written = ReportXml.WriteString(LoadSample(form), t);
        var result = ReportChecker.Check(t, ReportXml.LoadString(written), Previous(form));
        Assert.That(result.All.Select(f => f.Message), Is.Empty);
        Assert.That(ReportXml.LoadString(written).Sections.Select(s => s.Code), Is.EqualTo(t.Sections.Select(s => s.Code)));
    }

    [Test]
    public void Without_the_previous_month_the_department_form_reports_its_previous_period_control_as_not_checked()
    {
        var result = ReportChecker.Check(LoadTemplate("dept-contingent-monthly"), LoadSample("dept-contingent-monthly"));
        Assert.That(result.Errors.Concat(result.Warnings), Is.Empty);
        Assert.That(result.NotChecked.Select(f => f.Code), Is.EqualTo(new[] { "4" }));
    }

    [Test]
    public void Outside_september_the_department_form_does_not_apply_its_september_control()
    {
        var t = LoadTemplate("dept-contingent-monthly");
        var r = Mutate(LoadSample("dept-contingent-monthly"), "1:04:3=0");
        Assert.That(FailingControls(ReportChecker.Check(t, r, Previous("dept-contingent-monthly"))), Is.EqualTo(new[] { "5", "6" }));
        var october = r with { Header = r.Header with { Period = "1210" } };
        Assert.That(FailingControls(ReportChecker.Check(t, october, Previous("dept-contingent-monthly"))), Is.EqualTo(new[] { "6" }));
    }

    [Test]
    public void A_school_without_a_first_grade_gets_a_warning_not_an_error_in_september()
    {
        // Issue 12: a school with no 1st grade is legal. Grades 2–11 of the sample: 525 pupils in 21 classes.
        var changes = new[] { "1:01:3=525", "1:04:3=", "1:05:3=21", "1:06:3=25", "2:01[1]:3=", "2:01[1]:4=" };
        var t = LoadTemplate("dept-contingent-monthly-2026");
        var sample = LoadSample("dept-contingent-monthly-2026");
        var r = Mutate(sample, changes) with { Sections = Mutate(sample, changes).Sections.Select(s => s with { Rows = s.Rows.Where(x => x.Cells.Count > 0).ToArray() }).ToArray() };
        var result = ReportChecker.Check(t, r);
        Assert.That(result.Errors.Select(f => f.Message), Is.Empty);
        Assert.That(result.Warnings.Select(f => f.Code), Is.EqualTo(new[] { "5" }));
    }

    [Test]
    public void The_average_class_size_is_checked_within_its_tolerance()
    {
        var t = LoadTemplate("dept-contingent-monthly");
        var within = Mutate(LoadSample("dept-contingent-monthly"), "1:06:3=25.1");
        Assert.That(FailingControls(ReportChecker.Check(t, within, Previous("dept-contingent-monthly"))), Is.Empty);
    }

    public static IEnumerable<TestCaseData> BreakingCases()
    {
        TestCaseData Case(string form, string[] expected, params string[] changes) =>
            new TestCaseData(form, changes, expected).SetArgDisplayNames(form, string.Join(" ", changes));

        // ОО-1. The sample: 1.2 стр.24 = 1 (advanced-study school), so rows 03/04 of 2.1.1 are allowed.
        yield return Case("oo-1", ["1"], "1.2:26:3=3");
        yield return Case("oo-1", ["2"], "2.1.1:01:15=1", "2.1.1:01:3=25");            // 1 class, no pupils in grade 12
        yield return Case("oo-1", ["3"], "1.2:24:3=2");                                 // 24=2 but 25=2: advanced classes not allowed
        yield return Case("oo-1", ["4"], "2.1.1:02:3=680");
        yield return Case("oo-1", ["5"], "2.1.2:01:6=3");
        yield return Case("oo-1", ["6"], "2.1.2:02:3=13", "2.1.2:01:3=25");
        yield return Case("oo-1", ["7"], "2.1.2:02:6=0", "2.1.2:01:6=0");
        yield return Case("oo-1", ["8"], "2.4:05:4=1");

        // 85-К.
        yield return Case("85-k", ["1"], "1:001:3=3");
        yield return Case("85-k", ["2"], "1:104:3=2", "1:101:3=11");
        yield return Case("85-k", ["2", "3"], "1:102:3=3", "1:101:3=11", "3:301:3=3"); // row 102 feeds row 101's column sum
        yield return Case("85-k", ["4", "6"], "1:104:5=2", "1:101:5=4");               // гр.4 >= гр.5 fails, so does гр.4 >= гр.5 + гр.6
        yield return Case("85-k", ["5", "6"], "1:104:6=2", "1:101:6=3");
        yield return Case("85-k", ["6"], "1:104:5=1", "1:104:6=1", "1:101:5=3", "1:101:6=2");
        yield return Case("85-k", ["7"], "1:101:5=3");
        yield return Case("85-k", ["8"], "1:101:7=0", "1:101:8=1");
        yield return Case("85-k", ["9"], "1:107:3=3");
        yield return Case("85-k", ["10"], "1:106:3=0");
        yield return Case("85-k", ["11"], "3:301:7=1");
        yield return Case("85-k", ["12"], "7:701:3=231");
        yield return Case("85-k", ["13"], "7:702:4=1", "7:702:3=114");
        yield return Case("85-k", ["14"], "7:703:4=1", "7:703:3=231");
        yield return Case("85-k", ["15"], "7:705:4=1", "7:705:3=7");
        yield return Case("85-k", ["16"], "7:707:4=1", "7:707:3=4");
        yield return Case("85-k", ["17"], "7:709:4=1", "7:709:3=2");

        // 1-ДОП.
        yield return Case("1-dop", ["1"], "1:01:7=31");
        yield return Case("1-dop", ["2"], "1:02:4=41", "1:01:4=269");
        yield return Case("1-dop", ["3"], "1:06:5=21", "1:01:5=34");
        yield return Case("1-dop", ["4"], "1:06:6=21", "1:01:6=28");
        yield return Case("1-dop", ["5"], "1:06:7=21", "1:01:7=51");

        // Department monthly form (September; the August report is the previous period).
        yield return Case("dept-contingent-monthly", ["1"], "2:01[11]:4=37");
        yield return Case("dept-contingent-monthly", ["2"], "2:01[11]:3=3");
        yield return Case("dept-contingent-monthly", ["3"], "1:06:3=26");
        yield return Case("dept-contingent-monthly", ["4"], "1:02:3=13");
        yield return Case("dept-contingent-monthly", ["5", "6"], "1:04:3=0");
        yield return Case("dept-contingent-monthly", ["6"], "1:04:3=74");
    }

    [TestCaseSource(nameof(BreakingCases))]
    public void A_report_that_breaks_a_control_fails_exactly_the_expected_controls(string form, string[] changes, string[] expected)
    {
        var t = LoadTemplate(form);
        var result = ReportChecker.Check(t, Mutate(LoadSample(form), changes), Previous(form));
        Assert.That(FailingControls(result), Is.EqualTo(expected.Order(StringComparer.Ordinal).ToArray()));
        Assert.That(result.NotChecked, Is.Empty);
        foreach (var f in result.All.Where(f => f.Kind == FindingKind.Control))
        {
            Assert.That(f.Cells, Is.Not.Empty, "a control failure names its cells");
            Assert.That(f.Message, Does.Contain(t.Controls.First(c => c.Id == f.Code).Definition.Name));
        }
    }

    [TestCaseSource(nameof(Excerpts))]
    public void Every_control_of_the_template_has_a_breaking_case(string form)
    {
        var covered = BreakingCases().Where(c => (string)c.Arguments[0]! == form).SelectMany(c => (string[])c.Arguments[2]!).ToHashSet();
        Assert.That(LoadTemplate(form).Controls.Select(c => c.Id).Where(id => !covered.Contains(id)), Is.Empty);
    }

    /// <summary>
    /// Issue 12: every control of a full form is broken by some change of one cell of the sample,
    /// found by trying each input cell with a few values (one more, much more, zero; for a
    /// coded cell every other allowed code and one outside the list). The change must fail its
    /// control, leave nothing "not checked", and fail no other control that does not involve the
    /// changed cell — so a new control is covered without a hand-written case, and a control that no
    /// single change can break (it checks nothing) fails this test.
    /// </summary>
    [TestCaseSource(nameof(Generated))]
    public void Every_control_of_a_full_form_fails_on_a_change_generated_from_the_template(string form)
    {
        var t = LoadTemplate(form);
        var sample = LoadSample(form);
        var cases = BreakingChangesFromTemplate(t, sample, Previous(form));
        foreach (var (id, change) in cases.OrderBy(c => int.TryParse(c.Key, out var n) ? n : int.MaxValue))
            TestContext.Out.WriteLine($"{form} control {id}: {change.Change} fails {string.Join(", ", change.Failing)}");
        Assert.That(t.Controls.Select(c => c.Id).Where(id => !cases.ContainsKey(id)), Is.Empty,
            "controls that no single-cell change of the sample breaks on their own");
    }

    internal sealed record GeneratedBreak(string Change, string[] Failing);

    /// <summary>For each control, the smallest single-cell change of the sample that breaks it (see the test above).</summary>
    internal static Dictionary<string, GeneratedBreak> BreakingChangesFromTemplate(FormTemplate t, Report sample, Report? previous)
    {
        var found = new Dictionary<string, GeneratedBreak>(StringComparer.Ordinal);
        foreach (var (cell, change) in CandidateChanges(t, sample))
        {
            var result = ReportChecker.Check(t, Mutate(sample, change), previous);
            if (result.NotChecked.Count > 0)
                continue;
            var failures = result.Errors.Concat(result.Warnings).Where(f => f.Kind == FindingKind.Control).ToArray();
            var failing = failures.Select(f => f.Code).Distinct().Order(StringComparer.Ordinal).ToArray();
            // Controls whose failure names the changed cell: a change may break those alongside its target.
            var involved = failures.GroupBy(f => f.Code)
                .Where(g => g.Any(f => f.Cells.Any(c => !c.Previous && Codes.Same(c.Section, cell.Section) && Codes.Same(c.Row, cell.Row) && Codes.Same(c.Column, cell.Column))))
                .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var target in failing)
            {
                if (!failing.All(id => id == target || involved.Contains(id)))
                    continue;
                if (!found.TryGetValue(target, out var best) || failing.Length < best.Failing.Length)
                    found[target] = new GeneratedBreak(change, failing);
            }
        }
        return found;
    }

    private static IEnumerable<(CellRef Cell, string Change)> CandidateChanges(FormTemplate t, Report sample)
    {
        foreach (var s in t.Sections)
        {
            var reportSection = sample.Sections.First(x => Codes.Same(x.Code, s.Code));
            for (var r = 0; r < s.Rows.Count; r++)
            {
                if (s.Rows[r].Type != RowType.F)
                    continue;
                var reportRow = reportSection.Rows.FirstOrDefault(x => Codes.Same(x.Code, s.Rows[r].Code));
                for (var c = 0; c < s.Columns.Count; c++)
                {
                    var spec = s.CellSpecFor(r, c);
                    if (s.Columns[c].Type != ColumnType.Z || spec.InputType == InputType.NotEntered)
                        continue;
                    var cell = new CellRef(s.Code, s.Rows[r].Code, s.Columns[c].Code);
                    var text = reportRow?.Cells.FirstOrDefault(x => Codes.Same(x.Column, s.Columns[c].Code))?.Value;
                    var value = decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0m;
                    IEnumerable<decimal> values = spec.VldType == 3 && spec.Vld is { } list
                        ? list.Split(',').Select(x => decimal.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).Append(9m)
                        : [value + 1, value + 1000, 0m];
                    foreach (var candidate in values.Where(x => x != value && x >= 0).Distinct())
                        yield return (cell, $"{s.Code}:{s.Rows[r].Code}:{s.Columns[c].Code}={Inv(candidate)}");
                }
            }
        }
    }

    /// <summary>Sets cells ("section:row[s1]:column=value"; an empty value removes the cell) in a copy of the report.</summary>
    internal static Report Mutate(Report report, params string[] changes)
    {
        var sections = report.Sections.ToList();
        foreach (var change in changes)
        {
            var eq = change.IndexOf('=', StringComparison.Ordinal);
            var parts = change[..eq].Split(':');
            var value = change[(eq + 1)..];
            var (rowCode, s1) = parts[1].Contains('[', StringComparison.Ordinal)
                ? (parts[1][..parts[1].IndexOf('[', StringComparison.Ordinal)], parts[1][(parts[1].IndexOf('[', StringComparison.Ordinal) + 1)..^1])
                : (parts[1], (string?)null);
            var si = sections.FindIndex(s => Codes.Same(s.Code, parts[0]));
            var rows = sections[si].Rows.ToList();
            var ri = rows.FindIndex(r => Codes.Same(r.Code, rowCode) && Codes.Same(r.S1, s1));
            if (ri < 0)
            {
                rows.Add(new ReportRow(rowCode, [], s1));
                ri = rows.Count - 1;
            }
            var cells = rows[ri].Cells.Where(c => !Codes.Same(c.Column, parts[2])).ToList();
            if (value.Length > 0)
                cells.Add(new ReportCell(parts[2], value));
            rows[ri] = rows[ri] with { Cells = cells };
            sections[si] = sections[si] with { Rows = rows };
        }
        return report with { Sections = sections };
    }
}
