using System.Text.RegularExpressions;
using EKIS.Reporting.Infrastructure.Excel;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>Issue 10, point 10: the shared formula-injection rule, and that every Excel writer uses it.</summary>
public sealed class ExcelTextTests
{
    [TestCase("=1+1")]
    [TestCase("+HYPERLINK(\"http://evil.example\";\"x\")")]
    [TestCase("-2+3+cmd|' /C calc'!A0")]
    [TestCase("@SUM(A1)")]
    [TestCase("＝1+1")]
    [TestCase("＋cmd")]
    [TestCase("－cmd")]
    [TestCase("＠SUM(A1)")]
    [TestCase("\t=1")]
    [TestCase("\r=1")]
    public void A_formula_like_value_is_written_quoted_and_refused_on_import(string value)
    {
        Assert.That(ExcelText.StartsLikeFormula(value), Is.True);
        Assert.That(ExcelText.RefusedOnImport(value), Is.True);
    }

    [TestCase("+7 (495) 000-00-00")]
    [TestCase("-5")]
    [TestCase("-2,5")]
    [TestCase("-")]
    [TestCase("＋7 495 000 00 00")]
    public void A_phone_a_signed_number_or_a_dash_is_quoted_when_written_but_accepted_on_import(string value)
    {
        Assert.That(ExcelText.StartsLikeFormula(value), Is.True, "written with the quote prefix: harmless, and safe");
        Assert.That(ExcelText.RefusedOnImport(value), Is.False, "data, not a formula");
    }

    [TestCase("Школа № 1")]
    [TestCase("1-2")]
    [TestCase("a=b")]
    [TestCase("")]
    public void An_ordinary_value_is_neither_quoted_nor_refused(string value)
    {
        Assert.That(ExcelText.StartsLikeFormula(value), Is.False);
        Assert.That(ExcelText.RefusedOnImport(value), Is.False);
    }

    /// <summary>Writers to come (analytics Excel, offline workbooks) must find and use the one rule.</summary>
    [Test]
    public void Every_excel_writer_in_the_application_writes_text_through_ExcelText()
    {
        var writing = new Regex(@"new XLWorkbook\(\s*\)|SpreadsheetDocument\.Create\(", RegexOptions.Compiled);
        var offenders = new List<string>();
        foreach (var root in new[] { "src", "jobs" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(BuiltPrograms.RepositoryRoot, root), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
                var text = File.ReadAllText(file);
                if (writing.IsMatch(text) && !text.Contains("ExcelText.Set(", StringComparison.Ordinal))
                    offenders.Add(Path.GetRelativePath(BuiltPrograms.RepositoryRoot, file));
            }
        }
        Assert.That(offenders, Is.Empty, "these files write workbooks without ExcelText.Set");
    }
}
