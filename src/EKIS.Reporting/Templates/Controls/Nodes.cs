using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Templates.Controls;

/// <summary>
/// A list of values with a shape: an element <c>{[s][rows][cols]}</c> gives rows × columns in the
/// order written (row-major). A null value is an empty cell (NULL).
/// </summary>
internal readonly struct Vec(decimal?[] values, int rows, int cols)
{
    public readonly decimal?[] Values = values;
    public readonly int Rows = rows;
    public readonly int Cols = cols;

    public int Length => Values.Length;

    public static Vec Scalar(decimal? v) => new([v], 1, 1);

    /// <summary>Position <paramref name="i"/> with broadcasting: a single value (or none, read as NULL) stands for every position.</summary>
    public decimal? At(int i) => Values.Length switch { 0 => null, 1 => Values[0], _ => Values[i] };

    public static bool Truthy(decimal? v) => v is { } x && x != 0;
}

/// <summary>The two sides of an operation list different numbers of cells (and neither is a single value).</summary>
internal sealed class ShapeMismatchException(int left, int right)
    : Exception($"размеры сторон не совпадают: {left} и {right} ячеек")
{
    public int Left { get; } = left;
    public int Right { get; } = right;
}

/// <summary>The comparison behind a failure and its values, rounded to the control's precision.</summary>
internal sealed record Explanation(CompareOp Op, decimal Left, decimal Right);

internal sealed class EvalContext(ReportData current, ReportData? previous)
{
    public ReportData Current { get; } = current;
    public ReportData? Previous { get; } = previous;
}

/// <summary>
/// A compiled (bound) expression. Cell references are resolved to template indexes once, when the
/// template is loaded; evaluating a report only indexes arrays. <see cref="CollectCells"/> is the slow
/// path, used only for a failing position, to name the cells behind it.
/// </summary>
internal abstract class Node
{
    public abstract Vec Eval(EvalContext ctx);

    public abstract void CollectCells(EvalContext ctx, int position, List<CellRef> into);

    /// <summary>The number of values, when known without a report (no M rows involved).</summary>
    public abstract int? StaticLength { get; }

    public abstract bool NeedsPrevious { get; }

    /// <summary>
    /// For a failing position of a boolean expression: the comparison that made it false and its two
    /// values (after rounding). Slow path — only called for failures. Null when there is none to name.
    /// </summary>
    public virtual Explanation? Explain(EvalContext ctx, int position) => null;

    /// <summary>The position in a child of <paramref name="length"/> values that pairs with <paramref name="position"/> (a single value is broadcast).</summary>
    protected static int PositionIn(int length, int position) => length == 1 ? 0 : position;

    public static int Broadcast(int a, int b)
    {
        if (a == b || b <= 1) return a;
        if (a <= 1) return b;
        throw new ShapeMismatchException(a, b);
    }

    protected static void CollectAt(Node child, EvalContext ctx, int position, List<CellRef> into)
    {
        var len = child.StaticLength ?? child.Eval(ctx).Length;
        if (len == 0)
            return;
        child.CollectCells(ctx, len == 1 ? 0 : position, into);
    }
}

internal sealed class LiteralNode(decimal value) : Node
{
    private readonly Vec _vec = Vec.Scalar(value);

    public override Vec Eval(EvalContext ctx) => _vec;

    public override void CollectCells(EvalContext ctx, int position, List<CellRef> into) { }

    public override int? StaticLength => 1;

    public override bool NeedsPrevious => false;
}

internal sealed class ElementNode : Node
{
    private readonly int _section;
    private readonly TemplateSection _ts;
    private readonly int[] _rows;
    private readonly int[] _cols;
    private readonly string?[] _specs; // keys, null = any
    private readonly bool _fixed;

    public ElementNode(int section, TemplateSection ts, int[] rows, int[] cols, string?[] specs, bool previous)
    {
        _section = section;
        _ts = ts;
        _rows = rows;
        _cols = cols;
        _specs = specs;
        Previous = previous;
        _fixed = specs.All(s => s is null) && rows.All(r => ts.Rows[r].Type == RowType.F);
        RowKeys = rows.Select(r => ts.Rows[r].Key).ToArray();
        ColumnKeys = cols.Select(c => ts.Columns[c].Key).ToArray();
    }

    public bool Previous { get; }
    public int Section => _section;
    public bool HasRepeatableRows => _rows.Any(r => _ts.Rows[r].Type == RowType.M);
    public IReadOnlyList<string> RowKeys { get; }
    public IReadOnlyList<string> ColumnKeys { get; }
    public int ColumnCount => _cols.Length;

    public override int? StaticLength => _fixed ? _rows.Length * _cols.Length : null;

    public override bool NeedsPrevious => Previous;

    private SectionData Data(EvalContext ctx) => (Previous ? ctx.Previous! : ctx.Current).Sections[_section];

    public override Vec Eval(EvalContext ctx) => Eval(ctx, ownInstances: false);

    /// <param name="ownInstances">
    /// For a previous-period reference to repeatable rows: read the previous report's own instances
    /// rather than those matching the current report's — what a SUM over rows of last period means.
    /// </param>
    public Vec Eval(EvalContext ctx, bool ownInstances)
    {
        if (_fixed)
        {
            // Fixed rows are the same cells in every report: read them from whichever report is meant.
            var data = Data(ctx);
            var values = new decimal?[_rows.Length * _cols.Length];
            var k = 0;
            foreach (var r in _rows)
            {
                var row = data.Rows[r][0].Values;
                foreach (var c in _cols)
                    values[k++] = row[c];
            }
            return new Vec(values, _rows.Length, _cols.Length);
        }
        // Repeatable rows: the positions are the current report's instances, in its order. A
        // previous-period reference reads, for each of them, the instance of the previous report
        // with the same row and the same specifics — NULL when the previous report has none.
        var own = !Previous || ownInstances;
        var current = own ? Data(ctx) : ctx.Current.Sections[_section];
        var previous = own ? null : ctx.Previous!.Sections[_section];
        var list = new List<decimal?>();
        var count = 0;
        foreach (var (r, inst) in Instances(current))
        {
            count++;
            var values = previous is null ? inst.Values : SameInstance(previous.Rows[r], inst)?.Values;
            foreach (var c in _cols)
                list.Add(values?[c]);
        }
        return new Vec(list.ToArray(), count, _cols.Length);
    }

    private IEnumerable<(int Row, RowInstance Instance)> Instances(SectionData data)
    {
        foreach (var r in _rows)
        {
            foreach (var inst in data.Rows[r])
            {
                if (Matches(inst))
                    yield return (r, inst);
            }
        }
    }

    private static RowInstance? SameInstance(RowInstance[] candidates, RowInstance of)
    {
        foreach (var c in candidates)
        {
            if (Codes.Same(c.S1, of.S1) && Codes.Same(c.S2, of.S2) && Codes.Same(c.S3, of.S3))
                return c;
        }
        return null;
    }

    private bool Matches(RowInstance inst)
    {
        for (var i = 0; i < _specs.Length; i++)
        {
            if (_specs[i] is { } s && !Codes.Same(inst.Specific(i), s))
                return false;
        }
        return true;
    }

    public override void CollectCells(EvalContext ctx, int position, List<CellRef> into) => CollectCells(ctx, position, into, ownInstances: false);

    public void CollectCells(EvalContext ctx, int position, List<CellRef> into, bool ownInstances)
    {
        if (_cols.Length == 0)
            return;
        var wantRow = position / _cols.Length;
        var col = _ts.Columns[_cols[position % _cols.Length]];
        var i = 0;
        // The same walk as Eval: fixed rows once each, repeatable rows by the current report's instances
        // (or, with ownInstances, by the report the reference reads).
        var data = _fixed || ownInstances ? Data(ctx) : ctx.Current.Sections[_section];
        foreach (var r in _rows)
        {
            foreach (var inst in data.Rows[r])
            {
                if (!Matches(inst))
                    continue;
                if (i++ == wantRow)
                {
                    into.Add(new CellRef(_ts.Code, _ts.Rows[r].Code, col.Code, inst.S1, inst.S2, inst.S3) { Previous = Previous });
                    return;
                }
            }
        }
    }
}

internal enum SumMode
{
    /// <summary>Sum the rows within each column (the other side lists the same columns).</summary>
    RowsPerColumn,

    /// <summary>Sum the columns within each row (the other side lists the same rows).</summary>
    ColumnsPerRow,

    /// <summary>Sum every cell to one value.</summary>
    All,
}

internal sealed class SumNode(ElementNode element, SumMode mode) : Node
{
    public SumMode Mode { get; } = mode;

    public override int? StaticLength => Mode switch
    {
        SumMode.RowsPerColumn => element.ColumnCount,
        SumMode.ColumnsPerRow => element.StaticLength is { } n && element.ColumnCount > 0 ? n / element.ColumnCount : null,
        _ => 1,
    };

    public override bool NeedsPrevious => element.NeedsPrevious;

    /// <summary>
    /// Summing over rows reads every instance of the report the element refers to (for <c>SUM{{…}}</c>,
    /// all of last period's); summing per row keeps the rows aligned with the current report's.
    /// </summary>
    private bool OwnInstances => Mode != SumMode.ColumnsPerRow;

    public override Vec Eval(EvalContext ctx)
    {
        var v = element.Eval(ctx, OwnInstances);
        int outLen = Mode switch { SumMode.RowsPerColumn => v.Cols, SumMode.ColumnsPerRow => v.Rows, _ => 1 };
        var sums = new decimal[outLen];
        var any = new bool[outLen];
        for (var r = 0; r < v.Rows; r++)
        {
            for (var c = 0; c < v.Cols; c++)
            {
                if (v.Values[r * v.Cols + c] is not { } x)
                    continue;
                var o = Mode switch { SumMode.RowsPerColumn => c, SumMode.ColumnsPerRow => r, _ => 0 };
                sums[o] += x;
                any[o] = true;
            }
        }
        var result = new decimal?[outLen];
        for (var i = 0; i < outLen; i++)
            result[i] = any[i] ? sums[i] : null; // a sum of empty cells is empty
        return Mode switch
        {
            SumMode.RowsPerColumn => new Vec(result, 1, outLen),
            SumMode.ColumnsPerRow => new Vec(result, outLen, 1),
            _ => new Vec(result, 1, 1),
        };
    }

    public override void CollectCells(EvalContext ctx, int position, List<CellRef> into)
    {
        var v = element.Eval(ctx, OwnInstances);
        for (var r = 0; r < v.Rows; r++)
        {
            for (var c = 0; c < v.Cols; c++)
            {
                var take = Mode switch { SumMode.RowsPerColumn => c == position, SumMode.ColumnsPerRow => r == position, _ => true };
                if (take)
                    element.CollectCells(ctx, r * v.Cols + c, into, OwnInstances);
            }
        }
    }
}

/// <summary>Any position-wise operation on two operands, with broadcasting of a single value.</summary>
internal abstract class BinaryNode(Node left, Node right) : Node
{
    public Node Left { get; } = left;
    public Node Right { get; } = right;

    public override int? StaticLength =>
        Left.StaticLength is { } a && Right.StaticLength is { } b ? Broadcast(a, b) : null;

    public override bool NeedsPrevious => Left.NeedsPrevious || Right.NeedsPrevious;

    public override Vec Eval(EvalContext ctx) => Combine(Left.Eval(ctx), Right.Eval(ctx));

    public Vec Combine(Vec a, Vec b)
    {
        var n = Broadcast(a.Length, b.Length);
        var shape = a.Length == n ? a : b;
        var result = new decimal?[n];
        for (var i = 0; i < n; i++)
            result[i] = Apply(a.At(i), b.At(i));
        return new Vec(result, shape.Rows, shape.Cols);
    }

    protected abstract decimal? Apply(decimal? a, decimal? b);

    public override void CollectCells(EvalContext ctx, int position, List<CellRef> into)
    {
        CollectAt(Left, ctx, position, into);
        CollectAt(Right, ctx, position, into);
    }
}

/// <summary>
/// Arithmetic with the independent checker's NULL rule: NULL counts as 0, and the result is NULL
/// only when both operands are. Division by zero gives NULL rather than failing the whole control.
/// </summary>
internal sealed class ArithNode(char op, Node left, Node right) : BinaryNode(left, right)
{
    protected override decimal? Apply(decimal? a, decimal? b)
    {
        if (a is null && b is null)
            return null;
        var x = a ?? 0;
        var y = b ?? 0;
        return op switch
        {
            '+' => x + y,
            '-' => x - y,
            '*' => x * y,
            _ => y == 0 ? null : x / y,
        };
    }
}

/// <summary>
/// A comparison: NULL reads as 0, both sides are rounded to the control's precision, and a
/// failed comparison still passes when |left − right| ≤ fault (when the control sets one).
/// </summary>
internal sealed class CompareNode(CompareOp op, Node left, Node right, int precision, decimal? fault) : BinaryNode(left, right)
{
    public CompareOp Op { get; } = op;

    public decimal Round(decimal? v) => Math.Round(v ?? 0, precision, MidpointRounding.AwayFromZero);

    protected override decimal? Apply(decimal? a, decimal? b) => Holds(Round(a), Round(b)) ? 1 : 0;

    public override Explanation? Explain(EvalContext ctx, int position)
    {
        var l = Left.Eval(ctx);
        var r = Right.Eval(ctx);
        if (l.Length == 0 && r.Length == 0)
            return null;
        return new Explanation(Op, Round(l.At(PositionIn(l.Length, position))), Round(r.At(PositionIn(r.Length, position))));
    }

    private bool Holds(decimal l, decimal r)
    {
        var ok = Op switch
        {
            CompareOp.Lt => l < r,
            CompareOp.Le => l <= r,
            CompareOp.Eq => l == r,
            CompareOp.Ge => l >= r,
            CompareOp.Gt => l > r,
            _ => l != r,
        };
        return ok || (fault is { } f && Math.Abs(l - r) <= f);
    }
}

internal sealed class LogicNode(bool isAnd, Node left, Node right) : BinaryNode(left, right)
{
    protected override decimal? Apply(decimal? a, decimal? b) =>
        (isAnd ? Vec.Truthy(a) && Vec.Truthy(b) : Vec.Truthy(a) || Vec.Truthy(b)) ? 1 : 0;

    /// <summary>
    /// The first false comparison of the failing branch: for <c>and</c> the first operand that is
    /// false; for <c>or</c> (both false) the left one first.
    /// </summary>
    public override Explanation? Explain(EvalContext ctx, int position)
    {
        var l = Left.Eval(ctx);
        if (!Vec.Truthy(l.At(PositionIn(l.Length, position))) && Left.Explain(ctx, PositionIn(l.Length, position)) is { } e)
            return e;
        var r = Right.Eval(ctx);
        return Vec.Truthy(r.At(PositionIn(r.Length, position))) ? null : Right.Explain(ctx, PositionIn(r.Length, position));
    }
}

/// <summary><c>ISNULL(x, v)</c> and, folded, <c>COALESCE(a, b, …)</c>: the first non-NULL.</summary>
internal sealed class IsNullNode(Node left, Node right) : BinaryNode(left, right)
{
    protected override decimal? Apply(decimal? a, decimal? b) => a ?? b;
}

/// <summary><c>NULLIF(a, b)</c> as in SQL: NULL when a equals b, otherwise a.</summary>
internal sealed class NullIfNode(Node left, Node right) : BinaryNode(left, right)
{
    protected override decimal? Apply(decimal? a, decimal? b) => a is { } x && b is { } y && x == y ? null : a;
}

/// <summary><c>ROUND(x, n)</c>: n is taken from the first value of its argument.</summary>
internal sealed class RoundNode(Node value, Node? digits) : Node
{
    public override int? StaticLength => value.StaticLength;

    public override bool NeedsPrevious => value.NeedsPrevious || digits?.NeedsPrevious == true;

    public override Vec Eval(EvalContext ctx)
    {
        var v = value.Eval(ctx);
        var n = digits is null ? 0 : (int)Math.Clamp(digits.Eval(ctx).At(0) ?? 0, 0, 28);
        var result = new decimal?[v.Length];
        for (var i = 0; i < result.Length; i++)
            result[i] = v.Values[i] is { } x ? Math.Round(x, n, MidpointRounding.AwayFromZero) : null;
        return new Vec(result, v.Rows, v.Cols);
    }

    public override void CollectCells(EvalContext ctx, int position, List<CellRef> into) => value.CollectCells(ctx, position, into);
}

internal sealed class UnaryNode(string op, Node operand) : Node
{
    public override int? StaticLength => operand.StaticLength;

    public override bool NeedsPrevious => operand.NeedsPrevious;

    public override Vec Eval(EvalContext ctx)
    {
        var v = operand.Eval(ctx);
        var result = new decimal?[v.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = v.Values[i] is not { } x ? null : op switch
            {
                "-" => -x,
                "ABS" => Math.Abs(x),
                _ => Math.Floor(x),
            };
        }
        return new Vec(result, v.Rows, v.Cols);
    }

    public override void CollectCells(EvalContext ctx, int position, List<CellRef> into) => operand.CollectCells(ctx, position, into);
}
