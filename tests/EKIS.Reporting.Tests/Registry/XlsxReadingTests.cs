using ClosedXML.Excel;
using EKIS.Reporting.Features.Registry;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>
/// Issue 4: the streaming XLSX reader (RegistryFile over OpenXmlReader) reads cells as a person sees
/// them in Excel — the workbooks are written by ClosedXML, as a user's Excel would write them.
/// </summary>
public sealed class XlsxReadingTests
{
    private static byte[] Save(XLWorkbook workbook)
    {
        using var ms = new MemoryStream();
        workbook.SaveAs(ms);
        return ms.ToArray();
    }

    [Test]
    public void Rich_text_booleans_custom_date_formats_and_gaps_are_read_as_displayed_and_only_the_first_sheet_counts()
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Реестр");
        string[] header = ["ekis_code", "name", "kind", "municipality", "opened_on", "urban", "phone"];
        for (var i = 0; i < header.Length; i++) sheet.Cell(1, i + 1).Value = header[i];
        sheet.Cell(2, 1).Value = "A-1";
        sheet.Cell(2, 2).RichText.AddText("Школа ").SetBold();
        sheet.Cell(2, 2).RichText.AddText("№ 7");
        sheet.Cell(2, 3).Value = "general";
        sheet.Cell(2, 4).Value = "M1";
        sheet.Cell(2, 5).Value = new DateTime(2019, 9, 2);
        sheet.Cell(2, 5).Style.NumberFormat.Format = "dd.mm.yyyy";
        sheet.Cell(2, 6).Value = true;
        sheet.Cell(2, 7).Value = 1234.5;
        // Row 3 is left empty, row 4 has a gap in column 2: the row number stays the spreadsheet's.
        sheet.Cell(4, 1).Value = "A-2";
        sheet.Cell(4, 3).Value = "preschool";
        workbook.AddWorksheet("Второй").Cell(1, 1).Value = "не читается";

        var content = RegistryFile.Read(Save(workbook), "r.xlsx");

        Assert.That(content.Unusable, Is.Null);
        Assert.That(content.Problems, Is.Empty, () => string.Join("\n", content.Problems));
        Assert.That(content.Rows.Select(r => r.RowNumber), Is.EqualTo(new[] { 2, 4 }));
        var first = content.Rows[0].Values;
        Assert.Multiple(() =>
        {
            Assert.That(first["name"], Is.EqualTo("Школа № 7"));
            Assert.That(first["opened_on"], Is.EqualTo("2019-09-02"));
            Assert.That(first["urban"], Is.EqualTo("true"));
            Assert.That(first["phone"], Is.EqualTo("1234.5"));
            Assert.That(content.Rows[1].Values["name"], Is.EqualTo(""));
            Assert.That(content.Rows[1].Values["kind"], Is.EqualTo("preschool"));
        });
    }

    [Test]
    public void A_workbook_whose_first_sheet_is_empty_is_unusable_and_a_formula_in_the_header_is_reported_on_row_1()
    {
        using var empty = new XLWorkbook();
        empty.AddWorksheet("Пустой");
        using var formula = new XLWorkbook();
        var sheet = formula.AddWorksheet("Реестр");
        sheet.Cell(1, 1).Value = "ekis_code";
        sheet.Cell(1, 2).FormulaA1 = "=\"na\"&\"me\"";
        sheet.Cell(2, 1).Value = "A-1";

        Assert.That(RegistryFile.Read(Save(empty), "r.xlsx").Unusable, Does.Contain("пуст"));
        var content = RegistryFile.Read(Save(formula), "r.xlsx");
        Assert.That(content.Problems.Where(p => p.Message.Contains("формула")).Select(p => p.Row), Is.EqualTo(new int?[] { 1 }));
    }
}
