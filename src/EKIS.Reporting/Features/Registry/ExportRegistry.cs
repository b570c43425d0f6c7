using ClosedXML.Excel;
using EKIS.Reporting.Infrastructure.Excel;
using Npgsql;
using C = EKIS.Reporting.Features.Registry.RegistryColumns;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Writes the registry's organisations and branches to XLSX with the import's canonical columns,
/// so that an export can be edited and imported back. Every cell is text (identifiers keep their
/// leading zeros), written through <see cref="ExcelText"/>: a value that Excel could take for a formula
/// stays literal text.
/// </summary>
public sealed class ExportRegistry(NpgsqlDataSource db)
{
    public async Task<int> WriteAsync(Stream output, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var snapshot = await RegistrySnapshot.LoadAsync(conn, null, ct);
        var units = snapshot.Units.Where(u => u.Level is "organisation" or "branch").ToList();

        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add("Реестр");
        var widths = new int[C.All.Count];
        for (var c = 0; c < C.All.Count; c++)
        {
            var cell = sheet.Cell(1, c + 1);
            cell.SetValue(C.All[c].Name);
            cell.Style.Font.Bold = true;
            widths[c] = C.All[c].Name.Length;
        }
        var row = 2;
        foreach (var u in units)
        {
            for (var c = 0; c < C.All.Count; c++)
            {
                var value = Display(C.All[c].Name, u.Fields[C.All[c].Name]);
                if (value is null) continue;
                ExcelText.Set(sheet.Cell(row, c + 1), value);
                widths[c] = Math.Max(widths[c], value.Length);
            }
            row++;
        }
        // Widths computed here: AdjustToContents needs fonts that a Linux server may not have.
        for (var c = 0; c < widths.Length; c++)
            sheet.Column(c + 1).Width = Math.Clamp(widths[c] + 2, 8, 80);
        sheet.SheetView.FreezeRows(1);
        sheet.Range(1, 1, 1, C.All.Count).SetAutoFilter();

        var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        buffer.Position = 0;
        await buffer.CopyToAsync(output, ct);
        return units.Count;
    }

    /// <summary>Vocabulary values are written with their Russian names; the import accepts both.</summary>
    private static string? Display(string column, string? value) => value is null ? null : column switch
    {
        C.Kind => C.Kinds.GetValueOrDefault(value, value),
        C.LegalStatus => C.LegalStatuses.GetValueOrDefault(value, value),
        C.Status => C.Statuses.GetValueOrDefault(value, value),
        C.Urban => C.UrbanName(value == "urban"),
        _ => value,
    };
}
