using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Controls;
using EKIS.Reporting.Templates.Lint;
using EKIS.Reporting.Templates.Model;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

/// <summary>Oversized numbers, previous-period matching, SUM axes in expressions, conditions, explanations.</summary>
public class ControlEdgeCaseTests
{
    private static CheckResult Run(FormTemplate t, params string[] cells) => ReportChecker.Check(t, Report(t, cells));

    // --- numbers too large for the machine -------------------------------------------------

    [Test]
    public void A_cell_format_too_large_for_a_number_is_a_load_problem_not_a_crash()
    {
        var t = Template(Control("k", "{[1][01][3]} > 0"), """<row code="05" type="F" name="Д"><cell column="3" format="N(99999999999,0)"/></row>""");
        Assert.That(t.LoadProblems.Select(p => p.Message), Has.Some.Contains("N(99999999999,0)"));
        Assert.That(TemplateLinter.Lint(t).Select(p => p.Message), Has.Some.Contains("N(99999999999,0)"));
    }

    [Test]
    public void A_period_clause_with_a_huge_number_breaks_only_that_control()
    {
        var t = Template(Control("big", "{[1][01][3]} > 0", extra: """periodClause="&amp;NP=99999999999" """) + Control("ok", "{[1][01][3]} > 0"));
        Assert.That(t.Controls[0].Error, Does.Contain("слишком большое число"));
        var r = Run(t);
        Assert.That(r.NotChecked.Select(f => f.Code), Is.EqualTo(new[] { "big" }));
        Assert.That(FailingControls(r), Is.EqualTo(new[] { "ok" }));
    }

    [Test]
    public void A_numeric_range_with_a_huge_end_takes_every_row_up_to_it()
    {
        var t = Template(Control("k", "{[1][01-99999999999999999999999999999999][3]} = 1"));
        Assert.That(t.Controls[0].IsBroken, Is.False, t.Controls[0].Error);
        var r = Run(t, "1:01:3=1", "1:02:3=1", "1:03:3=1", "1:04:3=2");
        Assert.That(r.Errors.Single().Cells.Single().Row, Is.EqualTo("04"));
    }

    [Test]
    public void A_row_code_longer_than_any_number_still_compares_in_a_range()
    {
        var t = Template(Control("k", "SUM{[1][02-99999999999999999999999999999999][3]} = 6"),
            """<row code="99999999999999999999999999999999" type="F" name="Длинный"/>""");
        Assert.That(t.Controls[0].IsBroken, Is.False, t.Controls[0].Error);
        Assert.That(FailingControls(Run(t, "1:02:3=1", "1:99999999999999999999999999999999:3=5")), Is.Empty);
        Assert.That(FailingControls(Run(t, "1:02:3=1")), Is.EqualTo(new[] { "k" }));
    }

    [Test]
    public void Numeric_codes_order_by_value_whatever_their_length()
    {
        Assert.That(Codes.CompareNumeric("002", "10"), Is.LessThan(0));
        Assert.That(Codes.CompareNumeric("10", "9"), Is.GreaterThan(0));
        Assert.That(Codes.CompareNumeric("0010", "10"), Is.Zero);
        Assert.That(Codes.CompareNumeric("99999999999999999999999999999999", "99999999999999999999999999999998"), Is.GreaterThan(0));
    }

    [TestCase(5000, "(")]
    [TestCase(5000, "-")]
    public void A_deeply_nested_rule_is_a_broken_control_not_a_stack_overflow(int depth, string opener)
    {
        var rule = string.Concat(Enumerable.Repeat(opener, depth)) + "1" + (opener == "(" ? new string(')', depth) : "") + " = 1";
        var t = Template(Control("k", rule));
        Assert.That(t.Controls[0].Error, Does.Contain("вложенност"));
    }

    [Test]
    public void A_very_long_chain_of_additions_is_a_broken_control_not_a_stack_overflow()
    {
        var t = Template(Control("k", string.Join(" + ", Enumerable.Repeat("{[1][01][3]}", 20000)) + " = 0"));
        Assert.That(t.Controls[0].Error, Does.Contain("слишком сложное"));
    }

    [Test]
    public void Arithmetic_overflow_while_evaluating_makes_the_control_not_checked()
    {
        var t = Template(Control("k", "{[1][01][3]} * 79228162514264337593543950335 * 10 = 1"));
        var r = Run(t, "1:01:3=5");
        Assert.That(r.NotChecked.Single().Message, Does.Contain("переполнение"));
        Assert.That(r.Errors, Is.Empty);
    }

    // --- previous period: the same cell, matched by row and specifics --------------------------

    private static FormTemplate PreviousTemplate() => Template(Control("p", "{[2][01][3]} >= {{[2][01][3]}}"));

    [Test]
    public void A_previous_period_reference_reads_the_instance_with_the_same_specifics()
    {
        var t = PreviousTemplate();
        var current = Report(t, "2:01[1]:3=1", "2:01[2]:3=10");
        var r = ReportChecker.Check(t, current, PreviousYear(t, "2:01[2]:3=5"));
        Assert.That(r.NotChecked, Is.Empty);
        Assert.That(FailingControls(r), Is.Empty, "[1] has no previous value (NULL); [2]: 10 >= 5");
    }

    [Test]
    public void A_previous_period_reference_does_not_pair_instances_by_position()
    {
        var t = PreviousTemplate();
        var current = Report(t, "2:01[1]:3=1", "2:01[2]:3=10");
        var r = ReportChecker.Check(t, current, PreviousYear(t, "2:01[2]:3=1", "2:01[1]:3=10"));
        var f = r.Errors.Single();
        Assert.Multiple(() =>
        {
            Assert.That(f.Left, Is.EqualTo(1m));
            Assert.That(f.Right, Is.EqualTo(10m));
            Assert.That(f.Cells.Select(c => (c.S1, c.Previous)), Is.EqualTo(new[] { ("1", false), ("1", true) }));
            Assert.That(f.Message, Does.Contain("(предыдущий период)"));
        });
    }

    [Test]
    public void A_previous_report_with_more_instances_does_not_make_the_control_not_checked()
    {
        var t = PreviousTemplate();
        var current = Report(t, "2:01[1]:3=1", "2:01[2]:3=10");
        var r = ReportChecker.Check(t, current, PreviousYear(t, "2:01[1]:3=1", "2:01[2]:3=1", "2:01[3]:3=100"));
        Assert.That(r.NotChecked, Is.Empty);
        Assert.That(FailingControls(r), Is.Empty);
    }

    [Test]
    public void A_sum_over_previous_repeatable_rows_adds_every_instance_of_the_previous_report()
    {
        var t = Template(Control("s", "SUM{[2][01][3]} >= SUM{{[2][01][3]}}"));
        var current = Report(t, "2:01[1]:3=5");
        Assert.That(FailingControls(ReportChecker.Check(t, current, PreviousYear(t, "2:01[1]:3=2", "2:01[2]:3=2"))), Is.Empty);
        var r = ReportChecker.Check(t, current, PreviousYear(t, "2:01[1]:3=2", "2:01[2]:3=4"));
        var f = r.Errors.Single();
        Assert.That(f.Right, Is.EqualTo(6m), "last period's total counts the instance the current report no longer has");
        Assert.That(f.Cells.Where(c => c.Previous).Select(c => c.S1), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public void A_previous_report_must_be_for_the_same_template_and_an_earlier_period()
    {
        var t = PreviousTemplate();
        var current = Report(t, "2:01[1]:3=1");
        var earlier = PreviousYear(t, "2:01[1]:3=1");
        Assert.Multiple(() =>
        {
            Assert.That(ReportChecker.PreviousReportProblem(t, current, earlier), Is.Null);
            Assert.That(ReportChecker.PreviousReportProblem(t, current, current), Does.Contain("не раньше"));
            Assert.That(ReportChecker.PreviousReportProblem(t, current, earlier with { Header = earlier.Header with { Year = "2027" } }), Does.Contain("не раньше"));
            Assert.That(ReportChecker.PreviousReportProblem(t, current, earlier with { Header = earlier.Header with { Version = "other" } }), Does.Contain("версии «other»"));
            Assert.That(ReportChecker.PreviousReportProblem(t, current, earlier with { Header = earlier.Header with { Code = "1" } }), Does.Contain("шаблону 1"));
            Assert.That(ReportChecker.PreviousReportProblem(t, current, earlier with { Header = earlier.Header with { Period = "x" } }), Does.Contain("недопустимый год или период"));
        });
    }

    [Test]
    public void A_previous_report_that_does_not_fit_leaves_previous_period_controls_not_checked()
    {
        var t = Template(Control("p", "{[1][01][3]} >= {{[1][01][3]}}") + Control("c", "{[1][01][3]} > 0"));
        var current = Report(t, "1:01:3=1");
        var r = ReportChecker.Check(t, current, Report(t, "1:01:3=100"));
        Assert.That(r.NotChecked.Single().Code, Is.EqualTo("p"));
        Assert.That(r.NotChecked.Single().Message, Does.Contain("не раньше"));
        Assert.That(r.Errors, Is.Empty);
    }

    // --- SUM axis inside expressions -------------------------------------------------------

    private static readonly string[] ColumnSums =
        ["1:01:3=3", "1:01:4=5", "1:01:5=7", "1:02:3=1", "1:02:4=2", "1:02:5=3", "1:03:3=2", "1:03:4=3", "1:03:5=4"];

    [TestCase("{[1][01][3-5]} - SUM{[1][02-03][3-5]} = 0")]
    [TestCase("ABS({[1][01][3-5]} - SUM{[1][02-03][3-5]}) <= 0")]
    [TestCase("{[1][01][3-5]} = SUM{[1][02-03][3-5]}")]
    [TestCase("ISNULL(SUM{[1][02-03][3-5]}, 0) = {[1][01][3-5]}")]
    public void A_sum_takes_its_axis_from_what_it_is_combined_with(string rule)
    {
        var t = Template(Control("k", rule));
        var ok = Run(t, ColumnSums);
        Assert.That(ok.NotChecked, Is.Empty);
        Assert.That(FailingControls(ok), Is.Empty);
        var bad = Run(t, [.. ColumnSums[..^1], "1:03:5=5"]);
        Assert.That(bad.Errors.Single().Cells.Select(c => c.Column).Distinct(), Is.EqualTo(new[] { "5" }), "only column 5 is off");
    }

    [Test]
    public void A_sum_of_sums_takes_its_axis_from_the_other_side_of_the_comparison()
    {
        var t = Template(Control("k", "SUM{[1][02][3-5]} + SUM{[1][03][3-5]} = {[1][01][3-5]}"));
        Assert.That(FailingControls(Run(t, ColumnSums)), Is.Empty);
    }

    // --- conditions ----------------------------------------------------------------------------

    [Test]
    public void A_single_valued_rule_under_a_list_condition_fails_once()
    {
        var t = Template(Control("k", "{[1][01][4]} > 0", "{[1][*][3]} > 0"));
        var r = Run(t, "1:01:3=1", "1:02:3=1", "1:03:3=1");
        Assert.That(r.Errors, Has.Count.EqualTo(1));
        Assert.That(r.Errors[0].Cells.Single().ToString(), Is.EqualTo("разд.1 стр.01 гр.4"));
    }

    [Test]
    public void A_condition_whose_size_cannot_pair_with_the_rule_is_a_broken_control_that_lint_reports()
    {
        var t = Template(Control("k", "{[1][01][3,4]} > 0", "{[1][01-03][3]} > 0"));
        Assert.That(t.Controls[0].Error, Does.Contain("условие даёт 3 значений, а правило 2"));
        Assert.That(TemplateLinter.Lint(t).Select(p => p.Code), Has.Member("control"));
        Assert.That(Run(t).NotChecked.Single().Code, Is.EqualTo("k"));
    }

    // --- explanations of failures that are not a plain comparison --------------------------

    [Test]
    public void A_failing_alternative_names_the_first_comparison_that_failed()
    {
        var t = Template(Control("k", "{[1][01][3]} = 1 or {[1][01][3]} = 2"));
        var f = Run(t, "1:01:3=5").Errors.Single();
        Assert.Multiple(() =>
        {
            Assert.That((f.Left, f.Right, f.Difference), Is.EqualTo(((decimal?)5m, (decimal?)1m, (decimal?)4m)));
            Assert.That(f.Message, Does.Contain("слева 5 = справа 1, разница 4"));
        });
    }

    [Test]
    public void A_failing_conjunction_names_the_comparison_that_is_false()
    {
        var t = Template(Control("k", "{[1][*][3]} > 0 and {[1][*][4]} >= {[1][*][3]}"));
        var f = Run(t, "1:01:3=1", "1:01:4=1", "1:02:3=2", "1:02:4=1", "1:03:3=1", "1:03:4=1", "1:04:3=1", "1:04:4=1").Errors.Single();
        Assert.Multiple(() =>
        {
            Assert.That(f.Left, Is.EqualTo(1m));
            Assert.That(f.Right, Is.EqualTo(2m));
            Assert.That(f.Difference, Is.EqualTo(-1m));
            Assert.That(f.Message, Does.Contain("слева 1 >= справа 2"));
            Assert.That(f.Cells.Select(c => c.Row).Distinct(), Is.EqualTo(new[] { "02" }));
        });
    }

    // --- format checks -------------------------------------------------------------------------

    [Test]
    public void An_empty_cell_does_not_satisfy_a_mandatory_cell()
    {
        var t = Template("", """<row code="05" type="F" name="Д"><cell column="3" inputType="1"/></row>""");
        var empty = Run(t, "1:05:3=");
        Assert.That(empty.Errors.Select(f => (f.Code, f.Row, f.Column)), Has.Member(("cell-mandatory", "05", "3")));
        var filled = Run(t, "1:05:3=0");
        Assert.That(filled.Errors.Select(f => f.Code), Has.No.Member("cell-mandatory"));
    }

    [Test]
    public void A_fixed_row_with_specifics_is_an_error()
    {
        var t = Template("");
        var r = Run(t, "1:01[7]:3=1");
        Assert.That(r.Errors.Single(f => f.Code == "row-specific").Row, Is.EqualTo("01"));
    }

    [Test]
    public void A_fixed_row_repeated_with_different_specifics_is_a_duplicate_row()
    {
        var t = Template("");
        var r = Run(t, "1:01[1]:3=1", "1:01[2]:3=2");
        Assert.That(r.Errors.Select(f => f.Code), Has.Member("row-duplicate"));
        Assert.That(Run(t, "2:01[1]:3=1", "2:01[2]:3=2").Errors, Is.Empty, "repeatable rows are keyed by their specifics");
    }
}
