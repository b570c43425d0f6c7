using System.Text;
using ClosedXML.Excel;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using static EKIS.Reporting.Tests.Registry.RegistryTestData;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>
/// Issue 10, point 10: text that a spreadsheet could take for a formula (= + - @, their full-width
/// forms, a leading tab or CR) is written by the registry export as literal text, and the import
/// refuses it with a per-row message instead of storing it silently; numbers and phone numbers stay data.
/// </summary>
public sealed class FormulaInjectionTests : DatabaseTest
{
    [SetUp]
    public Task CreateRegionAsync() => RegistryTestData.CreateRegionAsync(Db);

    private static ImportRegistry Import => new(Db);

    [Test]
    public async Task The_registry_export_writes_every_formula_like_text_as_a_literal_text_cell()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        var other = await AnOrganisation().SaveAsync(Db);
        var hostile = new Dictionary<string, string>
        {
            ["short_name"] = "+HYPERLINK(\"http://evil.example\";\"Нажмите\")",
            ["address"] = "-2+3+cmd|' /C calc'!A0",
            ["actual_address"] = "＝1+1",
            ["director"] = "＠SUM(A1)",
            ["website"] = "\t=1+1",
            ["phone"] = "+7 495 000-00-00",
        };
        foreach (var (column, value) in hostile)
            await ExecuteAsAsync(Actor.Cli, $"UPDATE ekis.org_unit SET {column} = $1 WHERE ekis_code = $2", value, school.Code);
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.org_unit SET short_name = $1, address = $2, director = $3 WHERE ekis_code = $4",
            "\r=2+2", "＋1", "－1", other.Code);

        using var ms = new MemoryStream();
        await new ExportRegistry(Db).WriteAsync(ms);
        Assert.That(WorkbookCells.SchemaErrors(ms.ToArray()), Is.Empty, "nothing Excel would repair");
        var cells = WorkbookCells.Read(ms.ToArray(), "Реестр");
        var schoolRow = cells.Values.Single(c => c.Value == school.Code).Reference[1..];
        var otherRow = cells.Values.Single(c => c.Value == other.Code).Reference[1..];
        WorkbookCells.StoredCell At(string column, string row) => cells[WorkbookCells.ColumnOf(cells, column) + row];

        var written = hostile.Select(h => (h.Value, Cell: At(h.Key, schoolRow)))
            .Concat([("\r=2+2", At("short_name", otherRow)), ("＋1", At("address", otherRow)), ("－1", At("director", otherRow))]).ToList();
        Assert.Multiple(() =>
        {
            foreach (var (value, cell) in written)
            {
                // XML reads a CR in text back as LF (line-end normalisation); the sign that matters is what follows it.
                Assert.That(cell.Value, Is.EqualTo(value.Replace('\r', '\n')), $"{cell.Reference} keeps the value");
                Assert.That(cell.IsString && !cell.HasFormula, Is.True, $"{cell.Reference} is a string cell, never a formula");
                Assert.That(cell.QuotePrefix, Is.True, $"{cell.Reference} ({value}) carries the quote prefix");
                Assert.That(cell.NumberFormatId, Is.EqualTo(WorkbookCells.TextFormat), $"{cell.Reference} ({value}) is formatted as text");
            }
            var plain = At("name", schoolRow);
            Assert.That(plain.IsString && !plain.QuotePrefix, Is.True, "an ordinary name is an ordinary text cell");
        });
    }

    [Test]
    public async Task The_import_refuses_formula_like_text_row_by_row_and_keeps_phone_numbers_and_dashes()
    {
        string[] header = ["ekis_code", "name", "short_name", "kind", "municipality", "phone"];
        string Row(string code, string name, string shortName = "", string phone = "") => $"{code};{name};{shortName};general;M1;{phone}";
        var file = Encoding.UTF8.GetBytes(string.Join("\r\n",
            string.Join(';', header),
            Row("F-2", "\"+HYPERLINK(\"\"http://evil.example\"\";\"\"Нажмите\"\")\""), // row 2 (a quoted CSV cell)
            Row("F-3", "-2+3+cmd|' /C calc'!A0"),                                     // row 3
            Row("F-4", "＝1+1"),                                                       // row 4
            Row("F-5", "Школа № 5", shortName: "＠SUM(A1)"),                           // row 5
            Row("F-6", "Школа № 6", shortName: "＋cmd"),                               // row 6
            Row("F-7", "Школа № 7", shortName: "－cmd"),                               // row 7
            Row("F-8", "Школа № 8", shortName: "-", phone: "+7 (495) 000-00-00"),     // row 8: data, not formulas
            Row("F-9", "Школа № 9", phone: "-")));                                     // row 9

        var dry = await Import.DryRunAsync(file, "registry.csv");
        var applied = await Import.ApplyAsync(file, "registry.csv", Actor.Cli);

        Assert.Multiple(() =>
        {
            Assert.That(dry.Problems.Select(p => (p.Row, p.Column)), Is.EquivalentTo(new (int?, string?)[]
            {
                (2, "name"), (3, "name"), (4, "name"), (5, "short_name"), (6, "short_name"), (7, "short_name"),
            }), () => string.Join("\n", dry.Problems));
            Assert.That(dry.Problems.Select(p => p.Message), Has.All.Contain("как формулу"));
            Assert.That(dry.Problems.Single(p => p.Row == 3).Message, Does.Contain("-2+3+cmd"), "the message quotes the value");
            Assert.That(applied.Applied, Is.False, "nothing is stored silently");
        });
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE ekis_code LIKE 'F-%'"), Is.Zero);

        var clean = Encoding.UTF8.GetBytes(string.Join("\r\n", string.Join(';', header),
            Row("F-8", "Школа № 8", shortName: "-", phone: "+7 (495) 000-00-00")));
        var stored = await Import.ApplyAsync(clean, "registry.csv", Actor.Cli);
        Assert.That(stored.Problems, Is.Empty, () => string.Join("\n", stored.Problems));
        Assert.That(await ScalarAsync<string>("SELECT short_name || ' ' || phone FROM ekis.org_unit WHERE ekis_code = 'F-8'"), Is.EqualTo("- +7 (495) 000-00-00"));
    }

    [Test]
    public async Task A_negative_number_in_a_numeric_xlsx_cell_is_a_number_not_a_formula()
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Реестр");
        string[] header = ["ekis_code", "name", "kind", "municipality", "okpo", "short_name"];
        for (var i = 0; i < header.Length; i++) sheet.Cell(1, i + 1).Value = header[i];
        sheet.Cell(2, 1).Value = "N-1";
        sheet.Cell(2, 2).Value = "Школа";
        sheet.Cell(2, 3).Value = "general";
        sheet.Cell(2, 4).Value = "M1";
        sheet.Cell(2, 5).Value = -12345678;
        sheet.Cell(2, 6).Value = -5;
        using var ms = new MemoryStream();
        workbook.SaveAs(ms);

        var result = await Import.DryRunAsync(ms.ToArray(), "r.xlsx");

        Assert.That(result.Problems.Select(p => p.Column), Is.EqualTo(new[] { "okpo" }), () => string.Join("\n", result.Problems));
        Assert.That(result.Problems[0].Message, Does.Not.Contain("формул"), "an identifier check, not a formula refusal");
    }
}
