using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// A written workbook's cells as the file stores them (Open XML, not a workbook library's reading of
/// it): the value, whether it is a string or a number, a formula, the quote prefix and the number format.
/// </summary>
public static class WorkbookCells
{
    /// <summary>Number format 49 is the built-in «Text» format (@).</summary>
    public const uint TextFormat = 49;

    public sealed record StoredCell(string Reference, string Value, bool IsString, bool IsNumber, bool HasFormula, bool QuotePrefix, uint NumberFormatId);

    /// <summary>Every cell of the named sheet, keyed by reference (A1).</summary>
    public static IReadOnlyDictionary<string, StoredCell> Read(byte[] xlsx, string sheetName)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx, writable: false), false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == sheetName);
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var formats = workbook.WorkbookStylesPart?.Stylesheet.CellFormats?.Elements<CellFormat>().ToList() ?? [];
        var result = new Dictionary<string, StoredCell>();
        foreach (var cell in part.Worksheet.Descendants<Cell>())
        {
            var type = cell.DataType?.Value;
            var isString = type == CellValues.SharedString || type == CellValues.InlineString || type == CellValues.String;
            var value = type == CellValues.SharedString ? shared[int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)]
                : type == CellValues.InlineString ? cell.InlineString?.InnerText ?? ""
                : cell.CellValue?.Text ?? "";
            var format = cell.StyleIndex?.Value is { } s && s < formats.Count ? formats[(int)s] : null;
            result[cell.CellReference!.Value!] = new StoredCell(cell.CellReference.Value!, value, isString,
                type is null || type == CellValues.Number, cell.CellFormula is not null,
                format?.QuotePrefix?.Value == true, format?.NumberFormatId?.Value ?? 0);
        }
        return result;
    }

    /// <summary>What the Open XML schema validator finds in the workbook (Excel would offer to repair it).</summary>
    public static IReadOnlyList<string> SchemaErrors(byte[] xlsx)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx, writable: false), false);
        return new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
    }

    /// <summary>The column letters of the header cell in row 1 that reads <paramref name="title"/>.</summary>
    public static string ColumnOf(IReadOnlyDictionary<string, StoredCell> cells, string title) =>
        cells.Values.Select(c => (Cell: c, Column: c.Reference.TrimEnd("0123456789".ToCharArray())))
            .Single(x => x.Cell.Reference == x.Column + "1" && x.Cell.Value == title).Column;
}
