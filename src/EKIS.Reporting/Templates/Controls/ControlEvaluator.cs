using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Templates.Controls;

public enum ControlStatus { Passed, Failed, NotChecked, NotApplicable }

/// <summary>One failing position of a control: the cells behind it and the two compared values.</summary>
public sealed record ControlFailure(IReadOnlyList<CellRef> Cells, decimal? Left, decimal? Right, decimal? Difference, string? Operator);

public sealed record ControlOutcome(CompiledControl Control, ControlStatus Status, IReadOnlyList<ControlFailure> Failures, string? Reason = null);

public static class ControlEvaluator
{
    /// <param name="periodNumber">The number of the report's period within the year (&amp;NP), or null if unknown.</param>
    /// <param name="previousProblem">When <paramref name="previous"/> is null because the report given was unusable: why.</param>
    public static ControlOutcome Evaluate(CompiledControl control, ReportData current, ReportData? previous, int? periodNumber, string? previousProblem = null)
    {
        if (control.IsBroken)
            return new(control, ControlStatus.NotChecked, [], control.Error);
        if (control.Period is { } applies)
        {
            if (periodNumber is not { } np)
                return new(control, ControlStatus.NotChecked, [], "не определён отчётный период, поэтому неизвестно, применяется ли контроль");
            if (!applies(np))
                return new(control, ControlStatus.NotApplicable, []);
        }
        if (control.NeedsPrevious && previous is null)
            return new(control, ControlStatus.NotChecked, [], previousProblem is null
                ? "контроль сравнивает с предыдущим периодом, а отчёт за предыдущий период не передан"
                : $"контроль сравнивает с предыдущим периодом, а переданный отчёт не подходит: {previousProblem}");

        var ctx = new EvalContext(current, previous);
        try
        {
            var cond = control.Condition?.Eval(ctx);
            Vec result, left = default, right = default;
            var cmp = control.Rule as CompareNode;
            if (cmp is not null)
            {
                left = cmp.Left.Eval(ctx);
                right = cmp.Right.Eval(ctx);
                result = cmp.Combine(left, right);
            }
            else
            {
                result = control.Rule!.Eval(ctx);
            }
            var n = cond is { } c ? Node.Broadcast(result.Length, c.Length) : result.Length;
            List<ControlFailure>? failures = null;
            HashSet<int>? reported = null; // allocated on the first failure only: passing is the hot path
            for (var i = 0; i < n; i++)
            {
                if (cond is { } cv && !Vec.Truthy(cv.At(i)))
                    continue;
                if (Vec.Truthy(result.At(i)))
                    continue;
                // A single-valued rule under a list condition fails the same way at every position
                // where the condition holds: report it once.
                var at = result.Length == 1 ? 0 : i;
                if (!(reported ??= []).Add(at))
                    continue;
                var cells = new List<CellRef>();
                control.Rule!.CollectCells(ctx, at, cells);
                decimal? l = null, r = null;
                string? op = null;
                if (cmp is not null)
                {
                    (l, r, op) = (cmp.Round(left.At(at)), cmp.Round(right.At(at)), OperatorText(cmp.Op));
                }
                else if (control.Rule.Explain(ctx, at) is { } e)
                {
                    // An implication or a list of alternatives: name the comparison that failed.
                    (l, r, op) = (e.Left, e.Right, OperatorText(e.Op));
                }
                (failures ??= []).Add(new ControlFailure(cells.Distinct().ToArray(), l, r, l - r, op));
            }
            return failures is null
                ? new(control, ControlStatus.Passed, [])
                : new(control, ControlStatus.Failed, failures);
        }
        catch (ShapeMismatchException ex)
        {
            return new(control, ControlStatus.NotChecked, [], ex.Message);
        }
        catch (OverflowException)
        {
            return new(control, ControlStatus.NotChecked, [], "переполнение при вычислении");
        }
    }

    public static string OperatorText(CompareOp op) => op switch
    {
        CompareOp.Lt => "<",
        CompareOp.Le => "<=",
        CompareOp.Eq => "=",
        CompareOp.Ge => ">=",
        CompareOp.Gt => ">",
        _ => "<>",
    };
}
