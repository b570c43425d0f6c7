using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using EKIS.Reporting.Infrastructure.Files;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Reads a registry file — CSV (';', UTF-8 or windows-1251, detected) or XLSX — into rows keyed by
/// canonical column. Row numbers are those a person sees in the spreadsheet, the header being row 1.
/// A file that cannot be read at all is <see cref="Content.Unusable"/>; a header or cell problem is
/// one of <see cref="Content.Problems"/>.
/// </summary>
internal static class RegistryFile
{
    public const long MaxBytes = 20 * 1024 * 1024;

    internal sealed record Content(string? Unusable, IReadOnlyList<RegistryRow> Rows, IReadOnlyList<RegistryProblem> Problems)
    {
        public static Content Fail(string message) => new(message, [], []);
    }

    static RegistryFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <param name="zipLimits">How far an XLSX may unpack (<see cref="ZipLimits.Default"/> when null).</param>
    public static Content Read(byte[] bytes, string fileName, ZipLimits? zipLimits = null)
    {
        if (bytes.Length == 0) return Content.Fail("Файл пуст.");
        if (bytes.LongLength > MaxBytes)
            return Content.Fail($"Файл слишком большой: {bytes.LongLength / (1024 * 1024)} МБ, допускается не более {MaxBytes / (1024 * 1024)} МБ.");

        var isZip = bytes.Length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (ext is ".xlsx" or ".xlsm" && !isZip)
            return Content.Fail($"Файл «{Path.GetFileName(fileName)}» назван как книга Excel, но не является ею (это не файл XLSX).");
        if (isZip) return ReadXlsx(bytes, zipLimits ?? ZipLimits.Default);
        if (ext is ".xls")
            return Content.Fail("Формат .xls (Excel 97–2003) не поддерживается: сохраните книгу как .xlsx или CSV.");
        return ReadCsv(bytes);
    }

    // ---------------- CSV ----------------

    private static Content ReadCsv(byte[] bytes)
    {
        var probe = bytes.AsSpan(0, Math.Min(bytes.Length, 64 * 1024));
        if (probe.Contains((byte)0))
            return Content.Fail("Файл не похож на текстовый CSV: в нём двоичные данные. Загрузите CSV с разделителем «;» или книгу XLSX.");
        var text = Decode(bytes);
        var records = ParseCsv(text, out var csvError);
        if (csvError is not null) return Content.Fail(csvError);
        if (records.Count == 0) return Content.Fail("Файл пуст.");
        return FromCells(records[0].Cells, records.Skip(1).Select(r => (r.Line, (IReadOnlyList<string>)r.Cells)), []);
    }

    /// <summary>UTF-8 (with or without BOM) when the bytes are valid UTF-8, else windows-1251.</summary>
    internal static string Decode(byte[] bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            return new UTF8Encoding(false, true).GetString(bytes, 3, bytes.Length - 3);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1251).GetString(bytes);
        }
    }

    private sealed record CsvRecord(int Line, List<string> Cells);

    /// <summary>RFC 4180 with ';': quoted cells may hold ';', doubled quotes and line breaks.</summary>
    private static List<CsvRecord> ParseCsv(string text, out string? error)
    {
        error = null;
        var records = new List<CsvRecord>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var quotedCell = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    cell.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when cell.Length == 0 && !quotedCell:
                    inQuotes = true;
                    quotedCell = true;
                    break;
                case ';':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    quotedCell = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    quotedCell = false;
                    if (cells.Any(c => c.Trim().Length > 0)) records.Add(new CsvRecord(recordLine, cells));
                    cells = [];
                    line++;
                    recordLine = line;
                    break;
                default:
                    cell.Append(ch);
                    break;
            }
        }
        if (inQuotes)
        {
            error = $"Кавычка, открытая в строке {recordLine}, не закрыта до конца файла: проверьте кавычки.";
            return records;
        }
        cells.Add(cell.ToString());
        if (cells.Any(c => c.Trim().Length > 0)) records.Add(new CsvRecord(recordLine, cells));
        return records;
    }

    // ---------------- XLSX ----------------

    private sealed record XlsxCell(string Text, bool Formula);

    /// <summary>
    /// The first sheet, read as a stream (OpenXmlReader) rather than loaded into a workbook model:
    /// a 40,000-row registry reads in a fraction of the time and memory ClosedXML needs. Cell values
    /// as a person sees them: shared and inline strings, numbers without exponent or trailing zeros,
    /// cells with a date format as ГГГГ-ММ-ДД, booleans as true/false; a formula is refused.
    /// The archive is opened only through <see cref="SafeZip"/>: a zip bomb is refused before it unpacks.
    /// </summary>
    private static Content ReadXlsx(byte[] bytes, ZipLimits zipLimits)
    {
        const string broken = "Книга Excel повреждена или не является файлом XLSX: её не удалось открыть.";
        Dictionary<int, Dictionary<int, XlsxCell>> cells;
        try
        {
            using var package = SafeZip.OpenChecked(bytes, zipLimits, "Книга Excel");
            using var document = SpreadsheetDocument.Open(package, false);
            var workbook = document.WorkbookPart;
            if (workbook?.Workbook is null) return Content.Fail(broken);
            var first = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault();
            if (first?.Id?.Value is not { } partId) return Content.Fail("В книге Excel нет листов.");
            if (workbook.GetPartById(partId) is not WorksheetPart sheet) return Content.Fail(broken);
            cells = ReadSheet(sheet, SharedStrings(workbook), DateStyles(workbook));
        }
        catch (UnsafeZipException ex)
        {
            return Content.Fail(ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Content.Fail(broken);
        }
        if (cells.Count == 0) return Content.Fail("Первый лист книги пуст.");

        var lastColumn = cells.Values.Max(r => r.Keys.Max());
        var problems = new List<RegistryProblem>();
        string Text(int r, int c, string? column)
        {
            if (!cells.TryGetValue(r, out var row) || !row.TryGetValue(c, out var cell)) return "";
            if (!cell.Formula) return cell.Text;
            problems.Add(new RegistryProblem(r, column, "В ячейке формула: загружаются только значения. Замените формулу её значением."));
            return "";
        }

        var header = new List<string>();
        for (var c = 1; c <= lastColumn; c++) header.Add(Text(1, c, null));
        var columns = header.Select(h => RegistryColumns.Resolve(h) ?? h).ToList();
        var rows = new List<(int, IReadOnlyList<string>)>();
        foreach (var r in cells.Keys.Where(r => r > 1).Order())
        {
            var values = new List<string>(lastColumn);
            for (var c = 1; c <= lastColumn; c++) values.Add(Text(r, c, columns[c - 1]));
            if (values.Any(x => x.Trim().Length > 0)) rows.Add((r, values));
        }
        return FromCells(header, rows, problems);
    }

    private static Dictionary<int, Dictionary<int, XlsxCell>> ReadSheet(WorksheetPart sheet, IReadOnlyList<string> shared, IReadOnlySet<uint> dateStyles)
    {
        var cells = new Dictionary<int, Dictionary<int, XlsxCell>>();
        using var reader = OpenXmlReader.Create(sheet);
        int row = 0, column = 0;
        while (reader.Read())
        {
            if (!reader.IsStartElement) continue;
            if (reader.ElementType == typeof(Row))
            {
                var r = reader.Attributes.FirstOrDefault(a => a.LocalName == "r").Value;
                row = int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : row + 1;
                column = 0;
            }
            else if (reader.ElementType == typeof(Cell))
            {
                var cell = (Cell)reader.LoadCurrentElement()!;
                column = ColumnOf(cell.CellReference?.Value) ?? column + 1;
                var formula = cell.CellFormula is not null;
                var text = formula ? "" : CellText(cell, shared, dateStyles);
                if (!formula && text.Length == 0) continue;
                if (!cells.TryGetValue(row, out var cellsOfRow)) cells[row] = cellsOfRow = [];
                cellsOfRow[column] = new XlsxCell(text, formula);
            }
        }
        return cells;
    }

    private static string CellText(Cell cell, IReadOnlyList<string> shared, IReadOnlySet<uint> dateStyles)
    {
        var value = cell.CellValue?.Text ?? "";
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Count ? shared[i] : "";
        if (type == CellValues.InlineString)
            return cell.InlineString is { } inline ? ItemText(inline.Text, inline.Elements<Run>()) : "";
        if (type == CellValues.Boolean) return value == "1" ? "true" : "false";
        if (type == CellValues.Date)
            return DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso) ? iso.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : value;
        if (type is null || type == CellValues.Number)
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return value;
            if (cell.StyleIndex?.Value is { } style && dateStyles.Contains(style) && number is > -657435 and < 2958466)
                return DateTime.FromOADate(number).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return number.ToString("0.##########", CultureInfo.InvariantCulture);
        }
        return value; // an error value (#N/A) or a formula's cached string
    }

    /// <summary>1-based column of a reference such as "AB12", or null when the cell has none.</summary>
    private static int? ColumnOf(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var column = 0;
        foreach (var ch in reference)
        {
            if (ch is >= 'A' and <= 'Z') column = column * 26 + (ch - 'A' + 1);
            else if (ch is >= 'a' and <= 'z') column = column * 26 + (ch - 'a' + 1);
            else break;
        }
        return column == 0 ? null : column;
    }

    private static List<string> SharedStrings(WorkbookPart workbook)
    {
        var result = new List<string>();
        if (workbook.SharedStringTablePart is not { } part) return result;
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.IsStartElement && reader.ElementType == typeof(SharedStringItem))
            {
                var item = (SharedStringItem)reader.LoadCurrentElement()!;
                result.Add(ItemText(item.Text, item.Elements<Run>()));
            }
        }
        return result;
    }

    /// <summary>A string item's text: its plain text, or its rich-text runs joined (phonetic hints left out).</summary>
    private static string ItemText(Text? text, IEnumerable<Run> runs) =>
        text?.Text ?? string.Concat(runs.Select(r => r.Text?.Text));

    /// <summary>The cell formats whose number format shows a date (built-in 14–17 and 22, or a custom one with d or y).</summary>
    private static HashSet<uint> DateStyles(WorkbookPart workbook)
    {
        var result = new HashSet<uint>();
        var styles = workbook.WorkbookStylesPart?.Stylesheet;
        if (styles?.CellFormats is null) return result;
        var custom = styles.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode?.Value ?? "") ?? [];
        uint index = 0;
        foreach (var format in styles.CellFormats.Elements<CellFormat>())
        {
            var id = format.NumberFormatId?.Value ?? 0;
            if (id is >= 14 and <= 17 or 22 || custom.TryGetValue(id, out var code) && IsDateFormat(code))
                result.Add(index);
            index++;
        }
        return result;
    }

    private static bool IsDateFormat(string code)
    {
        var inQuotes = false;
        var inBrackets = false;
        for (var i = 0; i < code.Length; i++)
        {
            var ch = code[i];
            if (ch == '"') inQuotes = !inQuotes;
            else if (inQuotes) continue;
            else if (ch == '[') inBrackets = true;
            else if (ch == ']') inBrackets = false;
            else if (inBrackets) continue;
            else if (ch == '\\') i++;
            else if (ch is 'd' or 'D' or 'y' or 'Y') return true;
        }
        return false;
    }

    // ---------------- header and rows ----------------

    private static Content FromCells(IReadOnlyList<string> header, IEnumerable<(int Line, IReadOnlyList<string> Cells)> records, List<RegistryProblem> problems)
    {
        var columns = new string?[header.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var title = header[i].Trim();
            if (title.Length == 0) continue;
            var column = RegistryColumns.Resolve(title);
            if (column is null)
            {
                problems.Add(new RegistryProblem(1, title, $"Неизвестный столбец «{RegistryPlanner.Shorten(title)}». Допустимые столбцы и их синонимы описаны в docs/REGISTRY.md."));
                continue;
            }
            if (seen.TryGetValue(column, out var firstIndex))
            {
                problems.Add(new RegistryProblem(1, column, $"Столбец «{RegistryPlanner.Shorten(title)}» повторяет столбец {firstIndex + 1} ({column})."));
                continue;
            }
            seen[column] = i;
            columns[i] = column;
        }
        if (seen.Count == 0)
            return Content.Fail("Первая строка не похожа на заголовок реестра: ожидаются столбцы ekis_code;name;kind;… через «;» (или книга XLSX с таким заголовком).");

        foreach (var required in new[] { RegistryColumns.EkisCode, RegistryColumns.Name, RegistryColumns.Kind })
            if (!seen.ContainsKey(required))
                problems.Add(new RegistryProblem(1, required, $"Нет обязательного столбца {required} ({RegistryColumns.Title(required)})."));
        if (!seen.ContainsKey(RegistryColumns.ParentEkisCode) && !seen.ContainsKey(RegistryColumns.Municipality))
            problems.Add(new RegistryProblem(1, RegistryColumns.Municipality, "Нужен столбец municipality (муниципальное образование) или parent_ekis_code (головная организация)."));

        var rows = new List<RegistryRow>();
        foreach (var (line, cells) in records)
        {
            if (cells.Count > header.Count && cells.Skip(header.Count).Any(c => c.Trim().Length > 0))
                problems.Add(new RegistryProblem(line, null, $"В строке {cells.Count} значений, а в заголовке {header.Count} столбцов: проверьте разделители «;» и кавычки."));
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Length; i++)
                if (columns[i] is { } column)
                    values[column] = i < cells.Count ? cells[i] : "";
            rows.Add(new RegistryRow(line, values));
        }
        return new Content(null, rows, problems);
    }
}
