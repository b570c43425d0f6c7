using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Templates.Checking;

public enum FindingKind { Attribute, Title, Format, Control, Template }

public enum FindingSeverity { Error, Warning, NotChecked }

/// <summary>
/// One thing a check found. <see cref="Section"/>/<see cref="Row"/>/<see cref="Column"/> are set
/// where one cell is meant; <see cref="Cells"/> lists every offending cell (across sections) so the
/// UI can highlight them. <see cref="Line"/> is the line in the report file, when known.
/// </summary>
public sealed record Finding(FindingKind Kind, FindingSeverity Severity, string Code, string Message)
{
    public string? Section { get; init; }
    public string? Row { get; init; }
    public string? Column { get; init; }
    public IReadOnlyList<CellRef> Cells { get; init; } = [];
    public decimal? Left { get; init; }
    public decimal? Right { get; init; }
    public decimal? Difference { get; init; }
    public int Line { get; init; }
}

public sealed record CheckResult(IReadOnlyList<Finding> Errors, IReadOnlyList<Finding> Warnings, IReadOnlyList<Finding> NotChecked)
{
    public bool HasErrors => Errors.Count > 0;

    public IEnumerable<Finding> All => Errors.Concat(Warnings).Concat(NotChecked);

    public static CheckResult From(IEnumerable<Finding> findings)
    {
        var list = findings.ToList();
        return new CheckResult(
            list.Where(f => f.Severity == FindingSeverity.Error).ToArray(),
            list.Where(f => f.Severity == FindingSeverity.Warning).ToArray(),
            list.Where(f => f.Severity == FindingSeverity.NotChecked).ToArray());
    }
}
