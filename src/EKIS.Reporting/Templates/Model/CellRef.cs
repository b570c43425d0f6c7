namespace EKIS.Reporting.Templates.Model;

/// <summary>
/// One cell of a report: codes as the template spells them, plus the row's specifics.
/// <see cref="Previous"/> marks a cell of the previous period's report (a <c>{{…}}</c> reference).
/// </summary>
public sealed record CellRef(string Section, string Row, string Column, string? S1 = null, string? S2 = null, string? S3 = null)
{
    public bool Previous { get; init; }

    public override string ToString()
    {
        var spec = string.Join(", ", new[] { S1, S2, S3 }.Where(s => s is not null));
        return $"разд.{Section} стр.{Row}{(spec.Length > 0 ? $" [{spec}]" : "")} гр.{Column}{(Previous ? " (предыдущий период)" : "")}";
    }
}
