using ClosedXML.Excel;
using EKIS.Reporting.Infrastructure.Excel;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>
/// The campaign progress as an Excel workbook: «Муниципалитеты» (counts with a totals row) and
/// «Организации» (every respondent with status, sent date and the on-time flag). Numbers and dates are
/// typed cells; the header row is bold, frozen and filtered; column widths are computed here, because
/// AdjustToContents measures text with fonts a Linux server may not have.
/// </summary>
public static class ProgressWorkbook
{
    private const string DateFormat = "dd.mm.yyyy";

    public static void Write(Stream output, CampaignList.Row campaign, CampaignProgress.Result progress, Func<string?, string> statusTitle)
    {
        using var workbook = new XLWorkbook();
        workbook.Properties.Title = $"Ход кампании: {campaign.TemplateCode} {campaign.Form}, {campaign.Year}/{campaign.Period}";
        workbook.Properties.Author = "ЕКИС.Отчётность";

        var m = new SheetWriter(workbook.Worksheets.Add("Муниципалитеты"),
            ["Муниципалитет", "Ожидается", "Отправлено", "Возвращено", "Принято МО", "Принято регионом", "Просрочено", "Не сдано"]);
        foreach (var x in progress.Municipalities)
            m.Row(x.Name, x.Expected, x.Sent, x.Returned, x.AcceptedByMunicipality, x.AcceptedByRegion, x.Overdue, x.NotSent);
        m.Finish();
        var t = progress.Totals;
        m.Row(t.Name, t.Expected, t.Sent, t.Returned, t.AcceptedByMunicipality, t.AcceptedByRegion, t.Overdue, t.NotSent);
        m.Sheet.Row(m.LastRow).Style.Font.Bold = true;
        m.Sheet.Row(m.LastRow).Style.Border.TopBorder = XLBorderStyleValues.Thin;
        m.SetWidths();

        var r = new SheetWriter(workbook.Worksheets.Add("Организации"),
            ["Муниципалитет", "Код ЕКИС", "Организация", "Статус", "Версия", "Дата отправки", "Последний срок", "В срок", "Просрочено"]);
        foreach (var x in progress.Respondents)
            r.Row(x.MunicipalityName, x.EkisCode, x.Name, statusTitle(x.Status), x.Version, x.SentOn, x.LastDay,
                x.OnTime is { } onTime ? (onTime ? "да" : "нет") : null, x.Overdue ? "да" : "нет");
        r.Finish();
        r.SetWidths();

        workbook.SaveAs(output);
    }

    /// <summary>A sheet filled row by row: typed values, widths measured as it goes.</summary>
    private sealed class SheetWriter
    {
        public IXLWorksheet Sheet { get; }
        public int LastRow { get; private set; } = 1;
        private readonly double[] _widths;

        public SheetWriter(IXLWorksheet sheet, IReadOnlyList<string> headers)
        {
            Sheet = sheet;
            _widths = new double[headers.Count];
            for (var c = 0; c < headers.Count; c++)
            {
                sheet.Cell(1, c + 1).SetValue(headers[c]);
                _widths[c] = headers[c].Length;
            }
            var header = sheet.Range(1, 1, 1, headers.Count);
            header.Style.Font.Bold = true;
            header.Style.Fill.BackgroundColor = XLColor.FromHtml("#DCE6F1");
            header.Style.Alignment.WrapText = true;
            header.Style.Alignment.Vertical = XLAlignmentVerticalValues.Center;
            header.Style.Border.BottomBorder = XLBorderStyleValues.Thin;
            sheet.SheetView.FreezeRows(1);
        }

        public void Row(params object?[] values)
        {
            LastRow++;
            for (var c = 0; c < values.Length; c++)
            {
                var cell = Sheet.Cell(LastRow, c + 1);
                switch (values[c])
                {
                    case null:
                        break;
                    case int n:
                        cell.SetValue(n);
                        Measure(c, n.ToString("N0", Russian));
                        break;
                    case DateOnly d:
                        cell.SetValue(d.ToDateTime(TimeOnly.MinValue));
                        cell.Style.DateFormat.Format = DateFormat;
                        Measure(c, "00.00.0000");
                        break;
                    case string s:
                        // Names come from the registry: one that starts like a formula stays literal text.
                        ExcelText.Set(cell, s);
                        Measure(c, s);
                        break;
                    default:
                        throw new ArgumentException($"unsupported cell value {values[c]!.GetType()}");
                }
            }
        }

        /// <summary>Ends the data part: the filter covers the header and the data rows only (a totals row comes after).</summary>
        public void Finish()
        {
            Sheet.Range(1, 1, LastRow, _widths.Length).SetAutoFilter();
        }

        public void SetWidths()
        {
            for (var c = 0; c < _widths.Length; c++)
                // About one character unit per character, room for the filter button, bounded.
                Sheet.Column(c + 1).Width = Math.Clamp(_widths[c] + 3, 8, 70);
        }

        private void Measure(int column, string text) => _widths[column] = Math.Max(_widths[column], text.Length);
    }

    private static readonly System.Globalization.CultureInfo Russian = System.Globalization.CultureInfo.GetCultureInfo("ru-RU");
}
