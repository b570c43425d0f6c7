using System.Text.RegularExpressions;
using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// The "sum of its parts" hints of the entry page, read from the template's own sum controls
/// (<c>{[s][r][c]} |=| SUM{[s][r'][c']}</c> and <c>{[s][*][3]} |=| {[s][*][4]} + {[s][*][5]}</c>) of one
/// section, unconditional ones only. A hint is shown beside the total while the user types; it is
/// never written into the cell (the control decides). Controls of other shapes give no hint.
/// </summary>
public static partial class SumHints
{
    /// <summary>
    /// Total cell (row, column) = sum of <paramref name="Parts"/>. With <paramref name="PerInstance"/> the
    /// parts are read from the same repeatable-row instance as the total; otherwise from every instance.
    /// </summary>
    public sealed record Hint(string Row, string Column, IReadOnlyList<Part> Parts, bool PerInstance, string ControlId);

    public sealed record Part(string Row, string Column);

    private sealed record Element(string Section, List<int> Rows, List<int> Columns);

    public static IReadOnlyList<Hint> For(FormTemplate t, TemplateSection section)
    {
        var hints = new List<Hint>();
        var seen = new HashSet<(string, string)>();
        foreach (var control in t.Controls)
        {
            var d = control.Definition;
            if (control.Error is not null || !string.IsNullOrWhiteSpace(d.Condition) || d.PeriodClause.Length > 0) continue;
            var m = RulePattern().Match(d.Rule);
            if (!m.Success) continue;
            var total = Parse(section, m.Groups["t"].Value);
            if (total is null) continue;
            var rhs = m.Groups["rhs"].Value.Trim();
            List<Element> parts;
            bool isSum;
            if (SumPattern().Match(rhs) is { Success: true } sum)
            {
                if (Parse(section, sum.Groups["e"].Value) is not { } p) continue;
                parts = [p];
                isSum = true;
            }
            else
            {
                var items = rhs.Split('+', StringSplitOptions.TrimEntries);
                parts = [];
                foreach (var item in items)
                {
                    var em = ElementPattern().Match(item);
                    if (!em.Success || em.Length != item.Length || Parse(section, em.Groups["e"].Value) is not { } p) { parts.Clear(); break; }
                    parts.Add(p);
                }
                if (parts.Count < 2) continue;
                isSum = false;
            }
            foreach (var h in Expand(section, total, parts, isSum, d.Id))
            {
                if (h.Parts.Count > 0 && seen.Add((h.Row, h.Column))) hints.Add(h);
            }
        }
        return hints;
    }

    private static IEnumerable<Hint> Expand(TemplateSection s, Element total, List<Element> parts, bool isSum, string id)
    {
        string R(int i) => s.Rows[i].Code;
        string C(int i) => s.Columns[i].Code;
        bool IsM(int row) => s.Rows[row].Type == RowType.M;
        if (isSum)
        {
            var p = parts[0];
            if (p.Rows.SequenceEqual(total.Rows) && total.Columns.Count == 1)
            {
                // Per row: the total column of each row is the sum of the listed columns of the same row.
                foreach (var r in total.Rows)
                    yield return new Hint(R(r), C(total.Columns[0]), p.Columns.Select(c => new Part(R(r), C(c))).ToList(), IsM(r), id);
            }
            else if (p.Columns.SequenceEqual(total.Columns) && total.Rows.Count == 1 && !IsM(total.Rows[0]))
            {
                // Per column: the total row is the sum of the listed rows, column by column.
                foreach (var c in total.Columns)
                    yield return new Hint(R(total.Rows[0]), C(c), p.Rows.Where(r => r != total.Rows[0]).Select(r => new Part(R(r), C(c))).ToList(), false, id);
            }
            else if (total.Rows.Count == 1 && total.Columns.Count == 1 && !IsM(total.Rows[0]))
            {
                yield return new Hint(R(total.Rows[0]), C(total.Columns[0]),
                    p.Rows.SelectMany(r => p.Columns.Select(c => new Part(R(r), C(c)))).ToList(), false, id);
            }
            yield break;
        }
        if (parts.All(p => p.Rows.SequenceEqual(total.Rows) && p.Columns.Count == 1) && total.Columns.Count == 1)
        {
            foreach (var r in total.Rows)
                yield return new Hint(R(r), C(total.Columns[0]), parts.Select(p => new Part(R(r), C(p.Columns[0]))).ToList(), IsM(r), id);
        }
        else if (parts.All(p => p.Columns.SequenceEqual(total.Columns) && p.Rows.Count == 1) && total.Rows.Count == 1 && !IsM(total.Rows[0]))
        {
            foreach (var c in total.Columns)
                yield return new Hint(R(total.Rows[0]), C(c), parts.Select(p => new Part(R(p.Rows[0]), C(c))).ToList(), false, id);
        }
    }

    /// <summary>"[s][rows][cols]" of the given section, resolved to row and column indexes; null for anything else.</summary>
    private static Element? Parse(TemplateSection s, string text)
    {
        var m = AddressPattern().Match(text);
        if (!m.Success || !Codes.Same(m.Groups["s"].Value, s.Code)) return null;
        var rows = Resolve(m.Groups["r"].Value, s.Rows.Count, i => s.Rows[i].Code, i => s.Rows[i].Type != RowType.C);
        var cols = Resolve(m.Groups["c"].Value, s.Columns.Count, i => s.Columns[i].Code, i => s.Columns[i].Type == ColumnType.Z);
        if (rows is null || cols is null || rows.Count == 0 || cols.Count == 0) return null;
        if (cols.Any(c => s.Columns[c].Type != ColumnType.Z) || rows.Any(r => s.Rows[r].Type == RowType.C)) return null;
        return new Element(s.Code, rows, cols);
    }

    private static List<int>? Resolve(string list, int count, Func<int, string> code, Func<int, bool> data)
    {
        var result = new List<int>();
        foreach (var raw in list.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw == "*")
            {
                result.AddRange(Enumerable.Range(0, count).Where(data));
                continue;
            }
            var dash = raw.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && Codes.IsNumeric(raw[..dash]) && Codes.IsNumeric(raw[(dash + 1)..]))
            {
                var (from, to) = (raw[..dash], raw[(dash + 1)..]);
                result.AddRange(Enumerable.Range(0, count).Where(i => data(i) && Codes.IsNumeric(code(i))
                    && Codes.CompareNumeric(code(i), from) >= 0 && Codes.CompareNumeric(code(i), to) <= 0));
                continue;
            }
            var idx = Enumerable.Range(0, count).FirstOrDefault(i => Codes.Same(code(i), raw), -1);
            if (idx < 0) return null;
            result.Add(idx);
        }
        return result.Distinct().ToList();
    }

    [GeneratedRegex(@"^\s*\{(?<t>\[[^\]]*\]\[[^\]]*\]\[[^\]]*\])\}\s*\|=\|\s*(?<rhs>.+?)\s*$")]
    private static partial Regex RulePattern();

    [GeneratedRegex(@"^SUM\{(?<e>\[[^\]]*\]\[[^\]]*\]\[[^\]]*\])\}$")]
    private static partial Regex SumPattern();

    [GeneratedRegex(@"\{(?<e>\[[^\]]*\]\[[^\]]*\]\[[^\]]*\])\}")]
    private static partial Regex ElementPattern();

    [GeneratedRegex(@"^\[(?<s>[^\]]*)\]\[(?<r>[^\]]*)\]\[(?<c>[^\]]*)\]$")]
    private static partial Regex AddressPattern();
}
