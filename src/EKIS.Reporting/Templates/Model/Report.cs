namespace EKIS.Reporting.Templates.Model;

/// <summary>
/// A filled report as Rosstat's <c>report</c> XML carries it. Values stay text, exactly as
/// written: the format checks judge the text, the control engine reads numbers from it.
/// </summary>
public sealed record Report(
    ReportHeader Header,
    IReadOnlyList<ReportTitleItem> Title,
    IReadOnlyList<ReportSection> Sections)
{
    public int Line { get; init; }
}

public sealed record ReportHeader(
    string Code,
    string Form,
    string Shifr,
    string Version,
    string FormatVersion,
    string Year,
    string Period);

public sealed record ReportTitleItem(string Name, string Value, int Line = 0);

public sealed record ReportSection(string Code, IReadOnlyList<ReportRow> Rows, int Line = 0);

/// <summary>A row; <c>s1…s3</c> are the key (S) column values of M rows.</summary>
public sealed record ReportRow(string Code, IReadOnlyList<ReportCell> Cells, string? S1 = null, string? S2 = null, string? S3 = null, int Line = 0)
{
    public string? Specific(int i) => i switch { 0 => S1, 1 => S2, 2 => S3, _ => null };
}

public sealed record ReportCell(string Column, string Value, int Line = 0);
