using System.Text.Json;
using EKIS.Reporting.Cli.Commands;
using EKIS.Reporting.Templates.Lint;
using EKIS.Reporting.Templates.Xml;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

public class LintAndCliTests
{
    private static string Form(string name) => RepoPath("templates", "forms", name + ".xml");

    private static string Sample(string name, string kind = "report") => RepoPath("templates", "forms", "samples", $"{name}.{kind}.xml");

    private string _dir = "";

    [SetUp]
    public void CreateFolder()
    {
        _dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "lint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [TestCaseSource(typeof(ShippedTemplateTests), nameof(ShippedTemplateTests.Forms))]
    public void Every_shipped_template_lints_clean(string form)
    {
        var output = new StringWriter();
        Assert.That(TemplateCommands.Lint(Form(form), output), Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Is.Empty);
    }

    private const string BrokenTemplate = """
        <?xml version="1.0" encoding="utf-8"?>
        <metaForm code="609999001001" idp="1" idf="1" shifr="t" name="Т" obj="okpo" OKUD="0609999" format-version="1.3" version="1">
          <title><item field="okpo" name="ОКПО"/></title>
          <sections>
            <section code="1" name="Р1">
              <columns>
                <column code="3" type="Z" name="А"><default-cell column="3" inputType="2" format="N(9,0)" vldType="1" dic="nope"/></column>
              </columns>
              <rows>
                <row code="01" type="F" name="а"/>
                <row code="1" type="F" name="б"/>
              </rows>
            </section>
          </sections>
          <controls>
            <control id="1" name="ссылка" rule="{[1][02][3]} = 0"/>
            <control id="2" name="синтаксис" rule="{[1][01][3]} = = 0"/>
            <control id="2" name="повтор" rule="{[1][01][3]} >= 0"/>
          </controls>
          <dics><dic id="s_time"><term id="0101">За год</term></dic></dics>
        </metaForm>
        """;

    [Test]
    public void Lint_reports_each_problem_with_its_line()
    {
        var path = Write("broken.xml", BrokenTemplate);
        var problems = TemplateLinter.LintFile(path);
        Assert.That(problems, Has.Count.EqualTo(5), string.Join("\n", problems));
        Assert.Multiple(() =>
        {
            Assert.That(problems.Single(p => p.Message.Contains("nope", StringComparison.Ordinal)).Line, Is.EqualTo(7));
            Assert.That(problems.Single(p => p.Message.Contains("код строки «1» повторяется", StringComparison.Ordinal)).Line, Is.EqualTo(11));
            Assert.That(problems.Single(p => p.Message.Contains("«02» отсутствует", StringComparison.Ordinal)).Line, Is.EqualTo(16));
            Assert.That(problems.Single(p => p.Message.Contains("Контроль «2» (правило): Ошибка в выражении", StringComparison.Ordinal)).Line, Is.EqualTo(17));
            Assert.That(problems.Single(p => p.Message.Contains("«2» повторяется", StringComparison.Ordinal)).Line, Is.EqualTo(18));
        });
        var output = new StringWriter();
        Assert.That(TemplateCommands.Lint(path, output), Is.EqualTo(1));
        Assert.That(output.ToString(), Does.Contain("broken.xml:строка 16:"));
    }

    [Test]
    public void Lint_of_a_file_that_is_not_xml_is_unusable_input_with_the_line()
    {
        var path = Write("bad.xml", "<metaForm code=\"1\" version=\"1\">\n<oops>\n</metaForm>");
        Assert.That(Assert.Throws<XmlInputException>(() => TemplateLinter.LintFile(path))!.Line, Is.EqualTo(3));
        var output = new StringWriter();
        Assert.That(TemplateCommands.Lint(path, output), Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("строка 3"));
    }

    [Test]
    public void Lint_of_a_file_with_a_dtd_is_unusable_input_and_names_the_line()
    {
        var path = Write("dtd.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE m [<!ENTITY a \"b\">]>\n<metaForm code=\"&a;\" version=\"1\"/>");
        var output = new StringWriter();
        Assert.That(TemplateCommands.Lint(path, output), Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("DTD").And.Contain("строка 2"));
    }

    [Test]
    public void Lint_json_is_one_object_listing_problems_with_line_code_and_message()
    {
        var output = new StringWriter();
        Assert.That(TemplateCommands.Lint(Write("broken.xml", BrokenTemplate), output, json: true), Is.EqualTo(1));
        using var doc = JsonDocument.Parse(output.ToString());
        var problems = doc.RootElement.GetProperty("problems").EnumerateArray().ToArray();
        Assert.That(problems, Has.Length.EqualTo(5));
        var control = problems.Single(p => p.GetProperty("line").GetInt32() == 16);
        Assert.That(control.GetProperty("code").GetString(), Is.EqualTo("control"));
        Assert.That(control.GetProperty("message").GetString(), Does.Contain("«02» отсутствует"));

        var clean = new StringWriter();
        Assert.That(TemplateCommands.Lint(Form("oo-1"), clean, json: true), Is.EqualTo(0));
        Assert.That(JsonDocument.Parse(clean.ToString()).RootElement.GetProperty("problems").GetArrayLength(), Is.Zero);

        var unusable = new StringWriter();
        Assert.That(TemplateCommands.Lint(Write("bad.xml", "<metaForm>"), unusable, json: true), Is.EqualTo(2));
        Assert.That(JsonDocument.Parse(unusable.ToString()).RootElement.GetProperty("problems")[0].GetProperty("code").GetString(), Is.EqualTo("input"));
    }

    [Test]
    public void Command_line_mistakes_exit_2()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TemplateCommands.Create().Parse(["lint"]).Invoke(), Is.EqualTo(2));
            Assert.That(TemplateCommands.Create().Parse(["lint", Form("oo-1"), "extra"]).Invoke(), Is.EqualTo(2));
            Assert.That(TemplateCommands.Create().Parse(["lint", Form("oo-1"), "--nope"]).Invoke(), Is.EqualTo(2));
            Assert.That(ReportCommands.Create().Parse(["check", "--report", Sample("oo-1")]).Invoke(), Is.EqualTo(2));
            Assert.That(ReportCommands.Create().Parse(["check", "--template", Form("oo-1")]).Invoke(), Is.EqualTo(2));
            Assert.That(ReportCommands.Create().Parse(["check", "--template", Form("oo-1"), "--report", Sample("oo-1"), "--bogus"]).Invoke(), Is.EqualTo(2));
            Assert.That(ReportCommands.Create().Parse(["check", "--template", Form("oo-1"), "--report"]).Invoke(), Is.EqualTo(2));
        });
    }

    [Test]
    public void Lint_of_a_missing_file_is_unusable_input() =>
        Assert.That(TemplateCommands.Lint(Path.Combine(_dir, "none.xml"), new StringWriter()), Is.EqualTo(2));

    [Test]
    public void The_template_verb_is_a_system_commandline_command()
    {
        var command = TemplateCommands.Create();
        Assert.That(command.Name, Is.EqualTo("template"));
        Assert.That(command.Parse(["lint", Form("oo-1")]).Invoke(), Is.EqualTo(0));
        Assert.That(ReportCommands.Create().Parse(["check", "--template", Form("oo-1"), "--report", Sample("oo-1")]).Invoke(), Is.EqualTo(0));
    }

    [Test]
    public void Report_check_exits_0_for_a_clean_report()
    {
        var output = new StringWriter();
        Assert.That(ReportCommands.Check(Form("85-k"), Sample("85-k"), null, false, output), Is.EqualTo(0));
        Assert.That(output.ToString(), Does.Contain("ошибок 0"));
    }

    [Test]
    public void Report_check_exits_1_and_lists_failures_with_cells()
    {
        var report = ShippedTemplateTests.Mutate(ReportXml.LoadFile(Sample("85-k")), "7:701:3=231");
        var path = Write("r.xml", ReportXml.WriteString(report));
        var output = new StringWriter();
        Assert.That(ReportCommands.Check(Form("85-k"), path, null, false, output), Is.EqualTo(1));
        Assert.That(output.ToString(), Does.Contain("ОШИБКА: Контроль 12:"));
        Assert.That(output.ToString(), Does.Contain("слева 231 = справа 230, разница 1"));
    }

    [Test]
    public void Report_check_json_is_one_object_with_errors_warnings_and_not_checked()
    {
        var report = ShippedTemplateTests.Mutate(ReportXml.LoadFile(Sample("dept-contingent-monthly")), "1:04:3=74", "1:03:3=5.5");
        var path = Write("r.xml", ReportXml.WriteString(report));
        var output = new StringWriter();
        Assert.That(ReportCommands.Check(Form("dept-contingent-monthly"), path, null, true, output), Is.EqualTo(1));
        using var doc = JsonDocument.Parse(output.ToString());
        var root = doc.RootElement;
        var errors = root.GetProperty("errors").EnumerateArray().ToArray();
        var control = errors.Single(e => e.GetProperty("kind").GetString() == "control");
        Assert.Multiple(() =>
        {
            Assert.That(control.GetProperty("code").GetString(), Is.EqualTo("6"));
            Assert.That(control.GetProperty("left").GetDecimal(), Is.EqualTo(74m));
            Assert.That(control.GetProperty("right").GetDecimal(), Is.EqualTo(75m));
            Assert.That(control.GetProperty("difference").GetDecimal(), Is.EqualTo(-1m));
            Assert.That(control.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("section").GetString()), Is.EqualTo(new[] { "1", "2" }));
            var format = errors.Single(e => e.GetProperty("kind").GetString() == "format");
            Assert.That(format.GetProperty("row").GetString(), Is.EqualTo("03"));
            Assert.That(format.GetProperty("column").GetString(), Is.EqualTo("3"));
            Assert.That(root.GetProperty("warnings").GetArrayLength(), Is.EqualTo(0));
            Assert.That(root.GetProperty("notChecked").EnumerateArray().Select(e => e.GetProperty("code").GetString()), Is.EqualTo(new[] { "4" }));
        });
    }

    [Test]
    public void Report_check_exits_2_for_an_unknown_template_version()
    {
        var report = ReportXml.LoadFile(Sample("oo-1"));
        var path = Write("r.xml", ReportXml.WriteString(report with { Header = report.Header with { Version = "01-01-1999" } }));
        var output = new StringWriter();
        Assert.That(ReportCommands.Check(Form("oo-1"), path, null, true, output), Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("\"kind\":\"template\""));
        Assert.That(output.ToString(), Does.Contain("Неизвестная версия шаблона"));
        Assert.That(ReportCommands.Check(RepoPath("templates", "forms"), path, null, false, new StringWriter()), Is.EqualTo(2));
    }

    [Test]
    public void Report_check_finds_the_template_version_in_a_folder() =>
        Assert.That(ReportCommands.Check(RepoPath("templates", "forms"), Sample("dept-contingent-monthly"), Sample("dept-contingent-monthly", "previous"), false, new StringWriter()), Is.EqualTo(0));

    [Test]
    public void Report_check_exits_2_for_unreadable_input()
    {
        var output = new StringWriter();
        Assert.That(ReportCommands.Check(Form("oo-1"), Write("r.xml", "<report><oops></report>"), null, false, output), Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("не является корректным XML"));
        Assert.That(ReportCommands.Check(Form("oo-1"), Write("dtd.xml", "<!DOCTYPE r [<!ENTITY a \"b\">]><report/>"), null, false, new StringWriter()), Is.EqualTo(2));
        Assert.That(ReportCommands.Check(Write("t.xml", "<report/>"), Sample("oo-1"), null, false, new StringWriter()), Is.EqualTo(2));
        Assert.That(ReportCommands.Check(Form("oo-1"), Sample("oo-1"), Path.Combine(_dir, "missing.xml"), false, new StringWriter()), Is.EqualTo(2));
    }

    [Test]
    public void One_unusable_template_in_a_folder_does_not_stop_the_others()
    {
        File.Copy(Form("oo-1"), Path.Combine(_dir, "oo-1.xml"));
        var odd = File.ReadAllText(Form("dept-contingent-monthly"))
            .Replace("format=\"N(", "format=\"N(99999999999", StringComparison.Ordinal)
            .Replace("periodClause=\"", "periodClause=\"&amp;NP=99999999999 or ", StringComparison.Ordinal);
        Write("odd.xml", odd);
        Write("broken.xml", "<metaForm");
        var diagnostics = new StringWriter();
        Assert.That(ReportCommands.Check(_dir, Sample("oo-1"), null, false, new StringWriter(), diagnostics), Is.EqualTo(0));
        Assert.That(diagnostics.ToString(), Does.Contain("broken.xml"));
        var output = new StringWriter();
        Assert.That(ReportCommands.Check(_dir, Sample("dept-contingent-monthly"), null, false, output, diagnostics), Is.EqualTo(0),
            "the odd template loads: its oversized numbers are lint problems, not a crash");
        Assert.That(output.ToString(), Does.Contain("НЕ ПРОВЕРЕНО: Контроль 5"));
    }

    [Test]
    public void A_template_version_found_in_two_files_of_a_folder_is_reported_and_not_guessed()
    {
        File.Copy(Form("oo-1"), Path.Combine(_dir, "a.xml"));
        File.Copy(Form("oo-1"), Path.Combine(_dir, "b.xml"));
        var catalog = EKIS.Reporting.Templates.TemplateCatalog.LoadFolder(_dir);
        Assert.That(catalog.Skipped.Single(), Does.Contain("b.xml").And.Contain("a.xml"));
        var output = new StringWriter();
        Assert.That(ReportCommands.Check(_dir, Sample("oo-1"), null, false, output, new StringWriter()), Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("несколько файлов"));
    }

    [Test]
    public void A_previous_report_that_is_not_earlier_is_unusable_input()
    {
        var output = new StringWriter();
        var sample = Sample("dept-contingent-monthly");
        Assert.That(ReportCommands.Check(Form("dept-contingent-monthly"), sample, sample, true, output), Is.EqualTo(2));
        using var doc = JsonDocument.Parse(output.ToString());
        var finding = doc.RootElement.GetProperty("errors")[0];
        Assert.That(finding.GetProperty("kind").GetString(), Is.EqualTo("template"));
        Assert.That(finding.GetProperty("message").GetString(), Does.Contain("не раньше"));
    }

    [Test]
    public void The_kind_of_an_unusable_input_follows_the_input_not_the_message()
    {
        var output = new StringWriter();
        Assert.That(ReportCommands.Check(Write("t.xml", "<metaForm"), Sample("oo-1"), null, true, output), Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("\"kind\":\"template\""));
        output = new StringWriter();
        Assert.That(ReportCommands.Check(Form("oo-1"), Write("r.xml", "<report"), null, true, output), Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("\"kind\":\"format\""));
    }
}
