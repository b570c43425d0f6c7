using System.Globalization;
using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Templates.Controls;

/// <summary>
/// A report laid out by the template's own positions (section, row, column indexes), so compiled
/// controls read cells by index instead of looking codes up. Built once per report per check.
/// Only Z (data) columns carry numbers; text that is not a number reads as empty here — the
/// format checks report it.
/// </summary>
public sealed class ReportData
{
    private ReportData(FormTemplate template, SectionData[] sections)
    {
        Template = template;
        Sections = sections;
    }

    public FormTemplate Template { get; }

    internal SectionData[] Sections { get; }

    public static ReportData Build(FormTemplate template, Report report)
    {
        var lists = new List<RowInstance>?[template.Sections.Count][];
        foreach (var rs in report.Sections)
        {
            var si = template.SectionIndex(rs.Code);
            if (si < 0 || lists[si] is not null)
                continue; // unknown or duplicate section: a format error, the first one counts
            var ts = template.Sections[si];
            var rows = lists[si] = new List<RowInstance>?[ts.Rows.Count];
            foreach (var row in rs.Rows)
            {
                var ri = ts.RowIndex(row.Code);
                if (ri < 0 || ts.Rows[ri].Type == RowType.C)
                    continue;
                if (ts.Rows[ri].Type == RowType.F && rows[ri] is not null)
                    continue; // duplicate fixed row: a format error, the first one counts
                var values = new decimal?[ts.Columns.Count];
                foreach (var cell in row.Cells)
                {
                    var ci = ts.ColumnIndex(cell.Column);
                    if (ci >= 0 && ts.Columns[ci].Type == ColumnType.Z && TryNumber(cell.Value, out var v))
                        values[ci] = v;
                }
                (rows[ri] ??= []).Add(new RowInstance(row.S1, row.S2, row.S3, values));
            }
        }
        var sections = new SectionData[template.Sections.Count];
        for (var si = 0; si < sections.Length; si++)
        {
            var ts = template.Sections[si];
            var empty = new[] { new RowInstance(null, null, null, new decimal?[ts.Columns.Count]) };
            var rows = new RowInstance[ts.Rows.Count][];
            for (var ri = 0; ri < rows.Length; ri++)
            {
                var found = lists[si]?[ri];
                rows[ri] = found is not null ? found.ToArray() : ts.Rows[ri].Type == RowType.M ? [] : empty;
            }
            sections[si] = new SectionData(rows);
        }
        return new ReportData(template, sections);
    }

    public static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}

internal sealed class SectionData(RowInstance[][] rows)
{
    /// <summary>Per template row: its instances in the report. An F row always has exactly one (empty if absent).</summary>
    public readonly RowInstance[][] Rows = rows;
}

internal sealed class RowInstance(string? s1, string? s2, string? s3, decimal?[] values)
{
    public readonly string? S1 = s1, S2 = s2, S3 = s3;
    public readonly decimal?[] Values = values;

    public string? Specific(int i) => i switch { 0 => S1, 1 => S2, _ => S3 };
}
