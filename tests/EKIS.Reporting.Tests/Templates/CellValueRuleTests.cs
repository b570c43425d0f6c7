using System.Security;
using System.Text.Json;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Templates;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Tests.Templates;

/// <summary>
/// Issue 11, point 4: one cell-value rule. Every case of <c>cell-value-cases.json</c> goes through the
/// save command (typed text) and the report checker (written text), which must answer what the table
/// says — the same value, the same reason, the same Russian wording.
/// </summary>
public sealed class CellValueRuleTests
{
    public sealed record Case(string Format, string Input, string? Spelling, int? InputType, int? VldType, string? Vld, string? Dic,
        string? Value, string? Reason, string? Message)
    {
        public bool Typed => Spelling is null or "typed";
        public bool Written => Spelling is null or "written";

        public override string ToString() =>
            $"{Format}{(VldType is { } v ? $" vld{v}={Vld ?? Dic}" : "")}{(InputType is { } i ? $" input{i}" : "")} «{Input}»";
    }

    public static IReadOnlyList<Case> Cases { get; } = Load();

    private static List<Case> Load()
    {
        var root = EKIS.Reporting.Infrastructure.RepositoryPaths.FindRepositoryRoot(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("Repository root (EKIS.Reporting.sln) not found.");
        var path = Path.Combine(root, "tests", "EKIS.Reporting.Tests", "Templates", "cell-value-cases.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").Deserialize<List<Case>>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static IEnumerable<TestCaseData> Of(Func<Case, bool> which, string prefix) =>
        Cases.Where(which).Select(c => new TestCaseData(c).SetName($"{prefix}({c})"));

    public static IEnumerable<TestCaseData> TypedCases() => Of(c => c.Typed, "Typed");

    public static IEnumerable<TestCaseData> WrittenCases() => Of(c => c.Written, "Written");

    /// <summary>Every case with each spelling it holds for.</summary>
    public static IEnumerable<(Case Case, ValueSpelling Spelling)> Pairs() =>
        Cases.SelectMany(c => new[] { (c, ValueSpelling.Typed), (c, ValueSpelling.Written) }
            .Where(p => p.Item2 == ValueSpelling.Typed ? c.Typed : c.Written));

    public static IEnumerable<TestCaseData> RuleCases() =>
        Pairs().Select(p => new TestCaseData(p.Case, p.Spelling).SetName($"Rule{p.Spelling}({p.Case})"));

    /// <summary>The rule's format of the case's cell, as the entry page receives it.</summary>
    public static CellValueFormat FormatFor(Case c)
    {
        var t = TemplateFor(c);
        return CellValueRule.Of(t, t.Sections[0].CellSpecFor(0, 1));
    }

    /// <summary>The finding codes of the report checker for each reason (stable: the CLI's JSON carries them).</summary>
    public static string FindingCode(string reason) => reason switch
    {
        "not-number" or "number-format" => "cell-number",
        "negative" => "cell-negative",
        "too-long" => "cell-length",
        "out-of-range" => "cell-range",
        "not-in-list" => "cell-list",
        "not-in-dictionary" => "cell-dictionary",
        "not-entered" => "cell-not-entered",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>A template whose section 1, row 01, column 3 is the case's cell.</summary>
    public static FormTemplate TemplateFor(Case c)
    {
        string Attr(string name, object? value) => value is null ? "" : $" {name}=\"{SecurityElement.Escape(value.ToString())}\"";
        var cell = $"""<default-cell column="3"{Attr("inputType", c.InputType ?? 2)}{(c.Format.Length > 0 ? Attr("format", c.Format) : "")}{Attr("vldType", c.VldType)}{Attr("vld", c.Vld)}{Attr("dic", c.Dic)}/>""";
        return TemplateXml.LoadString($"""
            <?xml version="1.0" encoding="utf-8"?>
            <metaForm code="609999001001" idp="1" idf="1" shifr="t" name="Тест" obj="okpo" OKUD="0609999" format-version="1.3" version="01-01-2026">
              <title><item field="okpo" name="ОКПО"/></title>
              <sections>
                <section code="1" name="Раздел 1">
                  <columns>
                    <column code="1" type="B" name="Наименование"><default-cell column="1" inputType="0" format="C(250)"/></column>
                    <column code="3" type="Z" name="Значение">{cell}</column>
                  </columns>
                  <rows><row code="01" type="F" name="Строка"/></rows>
                </section>
              </sections>
              <dics>
                <dic id="s_time" name="Период"><term id="0101">За год</term></dic>
                <dic id="s_kind" name="Виды"><term id="1">Первый</term><term id="2">Второй</term><term id="3">Третий</term></dic>
              </dics>
            </metaForm>
            """);
    }

    [TestCaseSource(nameof(RuleCases))]
    public void The_rule_answers_as_the_table_says(Case c, ValueSpelling spelling)
    {
        var check = CellValueRule.Check(FormatFor(c), c.Input, spelling);
        Assert.Multiple(() =>
        {
            Assert.That(check.Value, Is.EqualTo(c.Value));
            Assert.That(check.Reason is { } r ? CellValueRule.Code(r) : null, Is.EqualTo(c.Reason));
            Assert.That(check.Message, Is.EqualTo(c.Message));
        });
    }

    [Test]
    public void Every_reason_has_a_case_in_the_table() =>
        Assert.That(Cases.Select(c => c.Reason).OfType<string>().Distinct(),
            Is.EquivalentTo(Enum.GetValues<CellValueReason>().Select(CellValueRule.Code)));

    [TestCaseSource(nameof(TypedCases))]
    public void The_save_command_takes_typed_text_as_the_table_says(Case c)
    {
        var problem = SaveValues.Validate(TemplateFor(c), new CellValue("1", "01", "3", c.Input), out var canonical);
        if (c.Reason is null)
        {
            Assert.That(problem, Is.Null);
            Assert.That(canonical.Number ?? canonical.Text, Is.EqualTo(c.Value));
        }
        else
        {
            Assert.That(problem, Is.EqualTo(c.Message));
        }
    }

    [TestCaseSource(nameof(WrittenCases))]
    public void The_report_checker_judges_written_text_as_the_table_says(Case c)
    {
        var t = TemplateFor(c);
        var h = t.Header;
        var report = new Report(new ReportHeader(h.Code, h.Idf, h.Shifr, h.Version, h.FormatVersion, "2026", "0101"),
            [new ReportTitleItem("okpo", "12345678")],
            [new ReportSection("1", [new ReportRow("01", [new ReportCell("3", c.Input)])])]);
        var findings = ReportChecker.Check(t, report).All.Where(f => f.Code != "cell-mandatory").ToList();
        if (c.Reason is null)
        {
            Assert.That(findings, Is.Empty, string.Join("; ", findings.Select(f => f.Message)));
        }
        else
        {
            var f = findings.Single();
            Assert.That(f.Code, Is.EqualTo(FindingCode(c.Reason)));
            Assert.That(f.Message, Is.EqualTo($"Разд.1 стр.01 гр.3: {c.Message}"));
        }
    }
}
