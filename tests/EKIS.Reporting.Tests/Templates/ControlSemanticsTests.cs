using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Controls;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

public class ControlSemanticsTests
{
    private static CheckResult Run(string rule, string condition = "", string extra = "", string period = "0101", params string[] cells)
    {
        var t = Template(Control("k", rule, condition, extra));
        return ReportChecker.Check(t, ReportFor(t, period, cells));
    }

    /// <summary>Whether the control fails; a control that could not be evaluated is a test error, never a pass.</summary>
    private static bool Fails(string rule, params string[] cells)
    {
        var result = Run(rule, cells: cells);
        Assert.That(result.NotChecked, Is.Empty, () => $"«{rule}» was not checked: {string.Join("; ", result.NotChecked.Select(f => f.Message))}");
        return FailingControls(result).Length > 0;
    }

    [Test]
    public void Sum_over_a_row_range_adds_each_column_pairwise()
    {
        string[] ok = ["1:01:3=6", "1:01:4=60", "1:02:3=1", "1:03:3=2", "1:04:3=3", "1:02:4=10", "1:03:4=20", "1:04:4=30"];
        Assert.That(Fails("{[1][01][3,4]} = SUM{[1][02-04][3,4]}", ok), Is.False);
        var r = Run("{[1][01][3,4]} = SUM{[1][02-04][3,4]}", cells: [.. ok[..^1], "1:04:4=31"]);
        Assert.That(r.Errors, Has.Count.EqualTo(1), "only column 4 fails");
        var f = r.Errors[0];
        Assert.Multiple(() =>
        {
            Assert.That(f.Left, Is.EqualTo(60m));
            Assert.That(f.Right, Is.EqualTo(61m));
            Assert.That(f.Difference, Is.EqualTo(-1m));
            Assert.That(f.Cells.Select(c => $"{c.Row}/{c.Column}"), Is.EqualTo(new[] { "01/4", "02/4", "03/4", "04/4" }));
            Assert.That(f.Message, Does.Contain("слева 60 = справа 61, разница -1"));
            Assert.That(f.Message, Does.Contain("разд.1 стр.01 гр.4"));
        });
    }

    [Test]
    public void Sum_over_columns_is_taken_per_row_when_the_other_side_lists_the_same_rows()
    {
        string[] ok = ["1:01:3=5", "1:01:4=2", "1:01:5=3", "1:02:3=1", "1:02:4=1"];
        Assert.That(Fails("{[1][*][3]} = SUM{[1][*][4-5]}", ok), Is.False);
        var r = Run("{[1][*][3]} = SUM{[1][*][4-5]}", cells: ["1:01:3=5", "1:01:4=2", "1:01:5=3", "1:03:3=1"]);
        Assert.That(r.Errors.Single().Cells.Select(c => c.Row).Distinct(), Is.EqualTo(new[] { "03" }));
    }

    [Test]
    public void Sum_covers_everything_when_the_other_side_shares_neither_rows_nor_columns()
    {
        Assert.That(Fails("{[1][01][3]} = SUM{[1][02-03][4-5]}", "1:01:3=10", "1:02:4=1", "1:02:5=2", "1:03:4=3", "1:03:5=4"), Is.False);
        Assert.That(Fails("{[1][01][3]} = SUM{[1][02-03][4-5]}", "1:01:3=11", "1:02:4=1", "1:02:5=2", "1:03:4=3", "1:03:5=4"), Is.True);
    }

    [Test]
    public void Lists_pair_by_position_not_by_code()
    {
        // стр.02 по гр.3, 4 = стр.03 по гр.4, 5 соответственно: 3↔4, 4↔5.
        Assert.That(Fails("{[1][02][3,4]} = {[1][03][4,5]}", "1:02:3=1", "1:02:4=2", "1:03:4=1", "1:03:5=2"), Is.False);
        Assert.That(Fails("{[1][02][3,4]} = {[1][03][4,5]}", "1:02:3=1", "1:02:4=2", "1:03:4=2", "1:03:5=1"), Is.True);
    }

    [Test]
    public void A_single_value_is_broadcast_against_a_list()
    {
        Assert.That(Fails("{[1][*][*]} >= 0", "1:01:3=1", "1:04:5=0"), Is.False);
        var r = Run("{[1][*][*]} >= 0", cells: ["1:01:3=-1", "1:04:5=-2"]);
        // The negative values are also format errors (cell-negative, issue 11 point 4); here only the control counts.
        Assert.That(r.Errors.Where(e => e.Kind == FindingKind.Control).Select(e => e.Cells.Single().ToString()), Is.EqualTo(new[] { "разд.1 стр.01 гр.3", "разд.1 стр.04 гр.5" }));
    }

    [Test]
    public void Lists_of_different_lengths_are_a_broken_control_not_a_pass()
    {
        var t = Template(Control("k", "{[1][01][3,4]} = {[1][02][3,4,5]}"));
        Assert.That(t.Controls[0].IsBroken, Is.True);
        var r = ReportChecker.Check(t, Report(t));
        Assert.That(r.NotChecked.Single().Code, Is.EqualTo("k"));
        Assert.That(r.NotChecked.Single().Message, Does.Contain("размеры сторон не совпадают"));
    }

    [TestCase("{[1][01][3]} + {[1][02][3]} = 5", true)] // 5 + NULL = 5
    [TestCase("{[1][01][3]} * {[1][02][3]} = 0", true)] // 5 * NULL = 0
    [TestCase("{[1][02][3]} >= 0", true)]               // NULL >= 0
    [TestCase("{[1][02][3]} > 0", false)]               // NULL > 0 is false
    [TestCase("ISNULL({[1][02][3]}, 7) = 7", true)]     // NULL stays NULL on its own
    [TestCase("ISNULL({[1][02][3]} + {[1][03][3]}, 7) = 7", true)] // NULL only when all operands are NULL
    [TestCase("ISNULL({[1][01][3]} + {[1][03][3]}, 7) = 5", true)]
    [TestCase("COALESCE({[1][02][3]}, {[1][03][3]}, 9) = 9", true)]
    [TestCase("ISNULL(NULLIF({[1][01][3]}, 5), 1) = 1", true)]
    [TestCase("ISNULL(SUM{[1][02-04][4]}, -1) = -1", true)] // a sum of empty cells is empty
    [TestCase("ISNULL({[1][01][3]} / 0, -1) = -1", true)]   // division by zero is NULL
    [TestCase("ABS(-{[1][01][3]}) = 5", true)]
    [TestCase("FLOOR({[1][01][3]} / 2) = 2", true)]
    [TestCase("ROUND({[1][01][3]} / 3, 1) = 1.7", true)]
    public void Empty_cells_follow_the_null_rules(string rule, bool passes)
    {
        Assert.That(Fails(rule, "1:01:3=5"), Is.EqualTo(!passes));
    }

    [Test]
    public void Fault_tolerates_a_small_difference()
    {
        var cells = new[] { "1:01:3=10.5", "1:02:3=10" };
        Assert.That(FailingControls(Run("{[1][01][3]} = {[1][02][3]}", extra: """fault="0.5" precision="2" """, cells: cells)), Is.Empty);
        Assert.That(FailingControls(Run("{[1][01][3]} = {[1][02][3]}", extra: """fault="0.4" precision="2" """, cells: cells)), Is.EqualTo(new[] { "k" }));
    }

    [Test]
    public void Fault_zero_lets_a_strict_inequality_between_equal_values_pass()
    {
        var cells = new[] { "1:01:3=10", "1:02:3=10" };
        Assert.That(FailingControls(Run("{[1][01][3]} > {[1][02][3]}", cells: cells)), Is.EqualTo(new[] { "k" }));
        Assert.That(FailingControls(Run("{[1][01][3]} > {[1][02][3]}", extra: """fault="0" """, cells: cells)), Is.Empty);
    }

    [Test]
    public void Precision_rounds_both_sides_before_comparing()
    {
        var cells = new[] { "1:01:3=10.004", "1:02:3=10" };
        Assert.That(FailingControls(Run("{[1][01][3]} = {[1][02][3]}", cells: cells)), Is.Empty, "default precision is 2");
        Assert.That(FailingControls(Run("{[1][01][3]} = {[1][02][3]}", extra: """precision="3" """, cells: cells)), Is.EqualTo(new[] { "k" }));
        Assert.That(FailingControls(Run("{[1][01][3]} = {[1][02][3]}", extra: """precision="0" """, cells: ["1:01:3=10.4", "1:02:3=10"])), Is.Empty);
    }

    [Test]
    public void Conditions_gate_the_rule()
    {
        const string rule = "{[1][02][3]} > 0";
        const string cond = "{[1][01][3]} > 0";
        Assert.That(FailingControls(Run(rule, cond, cells: ["1:01:3=0"])), Is.Empty);
        Assert.That(FailingControls(Run(rule, cond, cells: ["1:01:3=1"])), Is.EqualTo(new[] { "k" }));
        Assert.That(FailingControls(Run(rule, cond, cells: ["1:01:3=1", "1:02:3=1"])), Is.Empty);
    }

    [Test]
    public void A_list_condition_gates_each_position()
    {
        // Where column 3 is filled, column 4 must be too.
        var r = Run("{[1][*][4]} > 0", "{[1][*][3]} > 0", cells: ["1:01:3=1", "1:01:4=1", "1:02:3=1"]);
        Assert.That(r.Errors.Single().Cells.Single().Row, Is.EqualTo("02"));
    }

    [Test]
    public void Period_clause_limits_a_control_to_its_periods()
    {
        // The test template is annual: its only period is number 1.
        Assert.That(FailingControls(Run("{[1][01][3]} > 0", extra: """periodClause="&amp;NP=12" """)), Is.Empty);
        Assert.That(FailingControls(Run("{[1][01][3]} > 0", extra: """periodClause="(&amp;NPIN(1,12))" """)), Is.EqualTo(new[] { "k" }));
        Assert.That(FailingControls(Run("{[1][01][3]} > 0", extra: """periodClause="&amp;NP=1" """, period: "1")), Is.EqualTo(new[] { "k" }), "the short period style is accepted too");
    }

    [Test]
    public void A_tolerance_warning_is_a_warning_not_an_error()
    {
        var r = Run("{[1][01][3]} > 0", extra: """tip="0" """);
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.Warnings.Single().Code, Is.EqualTo("k"));
    }

    [Test]
    public void Cross_section_references_pair_cells_of_different_sections()
    {
        var r = Run("{[1][01][3]} = SUM{[2][01][3]}", cells: ["1:01:3=5", "2:01[1]:3=2", "2:01[2]:3=4"]);
        var f = r.Errors.Single();
        Assert.That(f.Left, Is.EqualTo(5m));
        Assert.That(f.Right, Is.EqualTo(6m));
        Assert.That(f.Cells.Select(c => c.ToString()), Is.EqualTo(new[] { "разд.1 стр.01 гр.3", "разд.2 стр.01 [1] гр.3", "разд.2 стр.01 [2] гр.3" }));
    }

    [Test]
    public void A_specific_selects_one_instance_of_a_repeatable_row()
    {
        string[] cells = ["1:01:3=4", "2:01[1]:3=2", "2:01[2]:3=4"];
        Assert.That(FailingControls(Run("{[1][01][3]} = {[2][01][3][2]}", cells: cells)), Is.Empty);
        Assert.That(FailingControls(Run("{[1][01][3]} = {[2][01][3][1]}", cells: cells)), Is.EqualTo(new[] { "k" }));
    }

    [Test]
    public void A_previous_period_control_compares_with_the_previous_report()
    {
        var t = Template(Control("k", "{[1][01][3]} >= {{[1][01][3]}}"));
        var current = Report(t, "1:01:3=10");
        var passed = ReportChecker.Check(t, current, PreviousYear(t, "1:01:3=9"));
        Assert.That(passed.NotChecked, Is.Empty);
        Assert.That(FailingControls(passed), Is.Empty);
        Assert.That(FailingControls(ReportChecker.Check(t, current, PreviousYear(t, "1:01:3=11"))), Is.EqualTo(new[] { "k" }));
    }

    [Test]
    public void Without_a_previous_report_a_previous_period_control_is_not_checked_never_passed()
    {
        var t = Template(Control("k", "{[1][01][3]} >= {{[1][01][3]}}"));
        var r = ReportChecker.Check(t, Report(t, "1:01:3=10"));
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.NotChecked.Single().Code, Is.EqualTo("k"));
        Assert.That(r.NotChecked.Single().Message, Does.Contain("предыдущий период"));
    }

    [Test]
    public void A_control_that_does_not_parse_is_not_checked_and_the_others_still_run()
    {
        var t = Template(Control("bad", "{[1][01][3] = 1") + Control("good", "{[1][01][3]} > 0"));
        Assert.That(t.Controls[0].IsBroken, Is.True);
        var r = ReportChecker.Check(t, Report(t));
        Assert.That(r.NotChecked.Select(f => f.Code), Is.EqualTo(new[] { "bad" }));
        Assert.That(FailingControls(r), Is.EqualTo(new[] { "good" }));
    }

    [Test]
    public void A_reference_to_a_missing_row_breaks_only_that_control()
    {
        var t = Template(Control("k", "{[1][99][3]} = 0"));
        Assert.That(t.Controls[0].Error, Does.Contain("«99» отсутствует"));
    }

    [Test]
    public void Codes_compare_numerically()
    {
        // Fails() asserts the control was evaluated, so "passes" cannot come from an unresolved reference.
        Assert.That(Fails("{[1][1][3]} = {[1][0002][3]}", "1:01:3=2", "1:2:3=2"), Is.False);
        Assert.That(Fails("{[1][1][3]} = {[1][0002][3]}", "1:01:3=2", "1:2:3=3"), Is.True);
    }

    [Test]
    public void Checking_reports_does_not_parse_controls_again()
    {
        var before = ControlParser.ParsesOnThisThread;
        var t = Template(Control("k", "{[1][01][3]} > 0", "{[1][02][3]} > 0"));
        Assert.That(ControlParser.ParsesOnThisThread - before, Is.EqualTo(2), "rule and condition are parsed when the template is built");
        var compiled = t.Controls[0];
        for (var i = 0; i < 10; i++)
            ReportChecker.Check(t, Report(t, "1:02:3=1"));
        Assert.That(ControlParser.ParsesOnThisThread - before, Is.EqualTo(2), "checking reports only evaluates the compiled controls");
        Assert.That(t.Controls[0], Is.SameAs(compiled));
    }
}
