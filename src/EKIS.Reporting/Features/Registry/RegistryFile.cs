using System.Globalization;
using System.Text;
using ClosedXML.Excel;

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

    public static Content Read(byte[] bytes, string fileName)
    {
        if (bytes.Length == 0) return Content.Fail("Файл пуст.");
        if (bytes.LongLength > MaxBytes)
            return Content.Fail($"Файл слишком большой: {bytes.LongLength / (1024 * 1024)} МБ, допускается не более {MaxBytes / (1024 * 1024)} МБ.");

        var isZip = bytes.Length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (ext is ".xlsx" or ".xlsm" && !isZip)
            return Content.Fail($"Файл «{Path.GetFileName(fileName)}» назван как книга Excel, но не является ею (это не файл XLSX).");
        if (isZip) return ReadXlsx(bytes);
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

    private static Content ReadXlsx(byte[] bytes)
    {
        XLWorkbook workbook;
        try
        {
            workbook = new XLWorkbook(new MemoryStream(bytes, writable: false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Content.Fail("Книга Excel повреждена или не является файлом XLSX: её не удалось открыть.");
        }
        using (workbook)
        {
            var sheet = workbook.Worksheets.FirstOrDefault();
            if (sheet is null) return Content.Fail("В книге Excel нет листов.");
            var used = sheet.RangeUsed();
            if (used is null) return Content.Fail("Первый лист книги пуст.");
            var lastColumn = used.LastColumn().ColumnNumber();
            var lastRow = used.LastRow().RowNumber();
            var problems = new List<RegistryProblem>();

            var header = new List<string>();
            for (var c = 1; c <= lastColumn; c++) header.Add(CellText(sheet.Cell(1, c), null, problems));
            var rows = new List<(int, IReadOnlyList<string>)>();
            for (var r = 2; r <= lastRow; r++)
            {
                var cells = new List<string>(lastColumn);
                for (var c = 1; c <= lastColumn; c++)
                    cells.Add(CellText(sheet.Cell(r, c), (r, c <= header.Count ? RegistryColumns.Resolve(header[c - 1]) ?? header[c - 1] : null), problems));
                if (cells.Any(x => x.Trim().Length > 0)) rows.Add((r, cells));
            }
            return FromCells(header, rows, problems);
        }
    }

    private static string CellText(IXLCell cell, (int Row, string? Column)? at, List<RegistryProblem> problems)
    {
        if (cell.HasFormula)
        {
            problems.Add(new RegistryProblem(at?.Row ?? 1, at?.Column, "В ячейке формула: загружаются только значения. Замените формулу её значением."));
            return "";
        }
        return cell.DataType switch
        {
            XLDataType.Number => cell.GetDouble().ToString("0.##########", CultureInfo.InvariantCulture),
            XLDataType.DateTime => cell.GetDateTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            XLDataType.Boolean => cell.GetBoolean() ? "true" : "false",
            _ => cell.GetString(),
        };
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
