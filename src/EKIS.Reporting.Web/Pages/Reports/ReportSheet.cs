using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Templates;
using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Web.Pages.Reports;

/// <summary>How one section of a report is laid out like the paper form (used by the entry page and the printable view).</summary>
public sealed record ReportSheet(ReportForm.Result Report, int SectionIndex, bool Editable, bool ShowChanges)
{
    public TemplateSection Section => Report.Template.Sections[SectionIndex];

    /// <summary>The HTML id of a cell (also what «Проверить» links to): cell-{section}_{row}_{column}[_{s1}[_{s2}[_{s3}]]].</summary>
    public static string CellId(string section, string row, string column, string? s1 = null, string? s2 = null, string? s3 = null)
    {
        var parts = new List<string> { Codes.Key(section), Codes.Key(row), Codes.Key(column) };
        foreach (var s in new[] { s1, s2, s3 })
        {
            if (string.IsNullOrEmpty(s)) break;
            parts.Add(s);
        }
        return "cell-" + string.Join("_", parts);
    }

    /// <summary>The key (S) columns of the section: which column carries s1, s2, s3 and its dictionary.</summary>
    public IReadOnlyList<KeyColumn> KeyColumns =>
        Section.Columns.Select((c, i) => (c, i)).Where(x => x.c.Type == ColumnType.S)
            .Select(x => new KeyColumn(x.i, x.c, Slot(x.c.Fld), Report.Template.Dictionary(x.c.DefaultCell.Dic)))
            .Where(k => k.Slot > 0).ToList();

    public sealed record KeyColumn(int Index, TemplateColumn Column, int Slot, TemplateDictionary? Dictionary)
    {
        public string Term(string? id) => id is null ? "" : Dictionary?.Terms.FirstOrDefault(t => Codes.Same(t.Id, id))?.Text ?? id;
    }

    private static int Slot(string? fld) => fld?.Trim().ToLowerInvariant() switch { "s1" => 1, "s2" => 2, "s3" => 3, _ => 0 };

    public IEnumerable<ReportForm.Instance> InstancesOf(TemplateRow row) =>
        Report.Instances.Where(i => i.Section == Section.Key && i.Row == row.Key);

    /// <summary>What a B column shows: the first the row's name, the next ones its code.</summary>
    public bool IsNameColumn(int columnIndex) =>
        Section.Columns.Take(columnIndex).All(c => c.Type != ColumnType.B);

    public string? Previous(string row, string column, string? s1, string? s2, string? s3) =>
        Report.Previous is { } p ? (p.TryGetValue(ReportForm.CellKey(Section.Code, row, column, s1, s2, s3), out var v) ? v : null) : null;

    public bool Changed(string row, string column, string? s1, string? s2, string? s3, out string? old)
    {
        old = null;
        if (!ShowChanges || Report.Previous is null) return false;
        old = Previous(row, column, s1, s2, s3);
        var now = Report.Value(Section.Code, row, column, s1, s2, s3);
        return !string.Equals(Normal(old), Normal(now), StringComparison.Ordinal);
    }

    private static string? Normal(string? v) =>
        v is not null && decimal.TryParse(v, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? (d / 1.0000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.IsNullOrEmpty(v) ? null : v;

    public ReportNotes.CellComment? Comment(string row, string column, string? s1, string? s2, string? s3) =>
        Report.Comments.FirstOrDefault(c => Codes.Same(c.Section, Section.Code) && Codes.Same(c.Row, row) && Codes.Same(c.Column, column)
            && c.S1 == s1 && c.S2 == s2 && c.S3 == s3);

    /// <summary>
    /// The section's distinct cell-value formats (<see cref="CellValueRule"/>) as the entry page's script
    /// receives them; an input names its format by index (<see cref="RuleIndex"/>).
    /// </summary>
    public IReadOnlyList<CellValueFormat> Rules => _rules ??= BuildRules();

    public int RuleIndex(CellSpec spec)
    {
        _ = Rules;
        return _ruleIndex[spec];
    }

    private List<CellValueFormat>? _rules;
    private readonly Dictionary<CellSpec, int> _ruleIndex = new(ReferenceEqualityComparer.Instance);

    private List<CellValueFormat> BuildRules()
    {
        var rules = new List<CellValueFormat>();
        for (var ri = 0; ri < Section.Rows.Count; ri++)
        {
            for (var ci = 0; ci < Section.Columns.Count; ci++)
            {
                var spec = Section.CellSpecFor(ri, ci);
                if (_ruleIndex.ContainsKey(spec)) continue;
                _ruleIndex[spec] = rules.Count;
                rules.Add(CellValueRule.Of(Report.Template, spec));
            }
        }
        return rules;
    }
}
