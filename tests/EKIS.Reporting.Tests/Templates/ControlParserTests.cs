using EKIS.Reporting.Templates.Controls;

namespace EKIS.Reporting.Tests.Templates;

public class ControlParserTests
{
    [Test]
    public void An_element_has_section_rows_and_columns()
    {
        var e = (ElementExpr)ControlParser.Parse("{[1][01][3]}");
        Assert.Multiple(() =>
        {
            Assert.That(e.Section, Is.EqualTo("1"));
            Assert.That(e.Rows, Is.EqualTo(new[] { new Coord("01", null) }));
            Assert.That(e.Columns, Is.EqualTo(new[] { new Coord("3", null) }));
            Assert.That(e.Specifics, Is.Empty);
            Assert.That(e.Previous, Is.False);
        });
    }

    [Test]
    public void Lists_ranges_and_stars_are_read_in_order()
    {
        var e = (ElementExpr)ControlParser.Parse("{[2.1.1][01, 03-05 ,07][*]}");
        Assert.That(e.Section, Is.EqualTo("2.1.1"));
        Assert.That(e.Rows, Is.EqualTo(new[] { new Coord("01", null), new Coord("03", "05"), new Coord("07", null) }));
        Assert.That(e.Columns, Is.Null);
    }

    [Test]
    public void Up_to_three_specifics_follow_the_columns()
    {
        var e = (ElementExpr)ControlParser.Parse("{[1][01][3][01.11][*][7]}");
        Assert.That(e.Specifics, Is.EqualTo(new string?[] { "01.11", null, "7" }));
        Assert.Throws<ControlSyntaxException>(() => ControlParser.Parse("{[1][01][3][a][b][c][d]}"));
    }

    [Test]
    public void Letter_codes_are_allowed_in_references()
    {
        var e = (ElementExpr)ControlParser.Parse("{[1][01][А-В]}");
        Assert.That(e.Columns, Is.EqualTo(new[] { new Coord("А", "В") }));
    }

    [Test]
    public void Double_braces_mark_the_previous_period()
    {
        var e = (ElementExpr)ControlParser.Parse("{{[1][01][3]}}");
        Assert.That(e.Previous, Is.True);
    }

    [Test]
    public void Pipes_are_noise()
    {
        var e = (CompareExpr)ControlParser.Parse("{[1][01][3]} |=| SUM{[1][02-04][3]}");
        Assert.That(e.Op, Is.EqualTo(CompareOp.Eq));
        Assert.That(e.Right, Is.TypeOf<SumExpr>());
    }

    [TestCase("<", CompareOp.Lt)]
    [TestCase("<=", CompareOp.Le)]
    [TestCase("=", CompareOp.Eq)]
    [TestCase(">=", CompareOp.Ge)]
    [TestCase(">", CompareOp.Gt)]
    [TestCase("<>", CompareOp.Ne)]
    public void Every_comparison_operator_is_recognised(string op, CompareOp expected)
    {
        var e = (CompareExpr)ControlParser.Parse($"{{[1][01][3]}} {op} 0");
        Assert.That(e.Op, Is.EqualTo(expected));
    }

    [Test]
    public void Multiplication_binds_tighter_than_addition_and_and_tighter_than_or()
    {
        var e = (LogicExpr)ControlParser.Parse("1 + 2 * 3 = 7 or 1 = 2 and 2 = 2");
        Assert.That(e.IsAnd, Is.False);
        var left = (CompareExpr)e.Left;
        var sum = (ArithExpr)left.Left;
        Assert.That(sum.Op, Is.EqualTo('+'));
        Assert.That(((ArithExpr)sum.Right).Op, Is.EqualTo('*'));
        Assert.That(((LogicExpr)e.Right).IsAnd, Is.True);
    }

    [Test]
    public void Functions_are_case_insensitive_and_check_their_arity()
    {
        var e = (FuncExpr)ControlParser.Parse("abs({[1][01][3]} - 1)");
        Assert.That(e.Name, Is.EqualTo("ABS"));
        Assert.That(((FuncExpr)ControlParser.Parse("Round(1.25, 1)")).Args, Has.Count.EqualTo(2));
        Assert.That(((FuncExpr)ControlParser.Parse("COALESCE(1, 2, 3)")).Args, Has.Count.EqualTo(3));
        Assert.That(ControlParser.Parse("FLOOR(1.5)"), Is.TypeOf<FuncExpr>());
        Assert.That(ControlParser.Parse("ISNULL({[1][01][3]}, 0)"), Is.TypeOf<FuncExpr>());
        Assert.That(ControlParser.Parse("NULLIF({[1][01][3]}, 0)"), Is.TypeOf<FuncExpr>());
        Assert.Throws<ControlSyntaxException>(() => ControlParser.Parse("ABS(1, 2)"));
        Assert.Throws<ControlSyntaxException>(() => ControlParser.Parse("ISNULL(1)"));
    }

    [Test]
    public void Unary_minus_and_parentheses_parse()
    {
        var e = (NegateExpr)ControlParser.Parse("-({[1][01][3]} + 2)");
        Assert.That(e.Operand, Is.TypeOf<ArithExpr>());
    }

    [Test]
    public void Sum_accepts_parentheses_around_its_element()
    {
        Assert.That(ControlParser.Parse("SUM({[1][02-04][3]})"), Is.TypeOf<SumExpr>());
    }

    [TestCase("{[1][01][3]} =", "оборвано")]
    [TestCase("{[1][01]}", "[раздел][строки][графы]")]
    [TestCase("{[1][01][3]", "ожидается «}»")]
    [TestCase("{[1][01][3]} = FOO(1)", "FOO")]
    [TestCase("{[1][01][3]} = 1 = 2", "два сравнения")]
    [TestCase("{[1][01,][3]} = 1", "неверный список")]
    [TestCase("(1 = 1", "ожидается «)»")]
    [TestCase("", "Пустое")]
    [TestCase("{[1][01][3]} = 1 2", "лишний текст")]
    [TestCase("SUM 5", "после SUM")]
    public void A_broken_rule_is_reported_with_its_position(string rule, string fragment)
    {
        var ex = Assert.Throws<ControlSyntaxException>(() => ControlParser.Parse(rule));
        Assert.That(ex!.Message, Does.Contain(fragment));
    }

    [TestCase("&NP=12", 12, true)]
    [TestCase("&NP=12", 11, false)]
    [TestCase("(&NPIN(3,6,9,12))", 6, true)]
    [TestCase("(&NPIN(3,6,9,12))", 7, false)]
    [TestCase("&NP>1 and &NP<>5", 5, false)]
    [TestCase("&NP=1 or &NP>=11", 11, true)]
    public void Period_clauses_select_periods(string clause, int period, bool applies)
    {
        Assert.That(PeriodClause.Compile(clause)(period), Is.EqualTo(applies));
    }

    [Test]
    public void A_broken_period_clause_does_not_compile()
    {
        Assert.Throws<ControlSyntaxException>(() => PeriodClause.Compile("&NQ=1"));
        Assert.Throws<ControlSyntaxException>(() => PeriodClause.Compile("&NPIN(3,"));
    }
}
