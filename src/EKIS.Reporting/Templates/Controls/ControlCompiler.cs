using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Templates.Controls;

/// <summary>
/// A control bound to its template version: rule, condition and period clause parsed and every
/// cell reference resolved to indexes, once. <see cref="Error"/> says why a control cannot be
/// evaluated at all (it does not parse, or references cells the template lacks); such a control
/// is reported as not checked, and the others still run.
/// </summary>
public sealed class CompiledControl
{
    internal CompiledControl(ControlDefinition definition, string? error, Node? rule, Node? condition, Func<int, bool>? period)
    {
        Definition = definition;
        Error = error;
        Rule = rule;
        Condition = condition;
        Period = period;
        NeedsPrevious = rule?.NeedsPrevious == true || condition?.NeedsPrevious == true;
    }

    public ControlDefinition Definition { get; }
    public string Id => Definition.Id;
    public string? Error { get; }
    public bool IsBroken => Error is not null;
    public bool NeedsPrevious { get; }

    internal Node? Rule { get; }
    internal Node? Condition { get; }
    internal Func<int, bool>? Period { get; }
}

internal sealed class ControlCompileException(string message) : Exception(message);

public static class ControlCompiler
{
    public static CompiledControl Compile(FormTemplate template, ControlDefinition def)
    {
        Node? rule = null, condition = null;
        Func<int, bool>? period = null;
        string? part = null;
        try
        {
            part = "правило";
            rule = new Binder(template, def).Bind(ControlParser.Parse(def.Rule), null, inRule: true);
            if (def.Condition.Length > 0)
            {
                part = "условие";
                condition = new Binder(template, def).Bind(ControlParser.Parse(def.Condition), null, inRule: false);
                // The condition gates the rule position by position, so their sizes must broadcast.
                if (condition.StaticLength is { } c && rule.StaticLength is { } r && c != r && c != 1 && r != 1)
                    throw new ControlCompileException($"условие даёт {c} значений, а правило {r}: их нельзя сопоставить по позициям");
            }
            if (def.PeriodClause.Length > 0)
            {
                part = "periodClause";
                period = PeriodClause.Compile(def.PeriodClause);
            }
        }
        catch (Exception ex) when (ex is ControlSyntaxException or ControlCompileException or ShapeMismatchException
                                       or OverflowException or FormatException or ArgumentException)
        {
            var what = ex switch
            {
                ShapeMismatchException => ex.Message,
                OverflowException => "слишком большое число",
                ControlSyntaxException or ControlCompileException => ex.Message,
                _ => $"не удалось разобрать ({ex.Message})",
            };
            return new CompiledControl(def, $"Контроль «{def.Id}» ({part}): {what}", null, null, null);
        }
        return new CompiledControl(def, null, rule, condition, period);
    }

    private sealed class Binder(FormTemplate template, ControlDefinition def)
    {
        public Node Bind(Expr e, ElementExpr? other, bool inRule)
        {
            switch (e)
            {
                case NumberExpr n:
                    return new LiteralNode(n.Value);
                case ElementExpr el:
                    return BindElement(el);
                case SumExpr s:
                {
                    var element = BindElement(s.Element);
                    var mode = SumMode.All;
                    if (other is not null)
                    {
                        var o = BindElement(other);
                        if (o.ColumnKeys.SequenceEqual(element.ColumnKeys))
                            mode = SumMode.RowsPerColumn;
                        else if (o.RowKeys.SequenceEqual(element.RowKeys) && (o.Section == element.Section || (!o.HasRepeatableRows && !element.HasRepeatableRows)))
                            mode = SumMode.ColumnsPerRow;
                    }
                    return new SumNode(element, mode);
                }
                case NegateExpr neg:
                    return new UnaryNode("-", Bind(neg.Operand, other, inRule));
                case ArithExpr a:
                    return Checked(new ArithNode(a.Op,
                        Bind(a.Left, ShapeReference(a.Right, other), inRule),
                        Bind(a.Right, ShapeReference(a.Left, other), inRule)));
                case CompareExpr c:
                    return Checked(new CompareNode(c.Op,
                        Bind(c.Left, ShapeReference(c.Right, other), inRule),
                        Bind(c.Right, ShapeReference(c.Left, other), inRule),
                        def.Precision,
                        inRule ? def.Fault : null));
                case LogicExpr l:
                    // The operands of and/or are separate comparisons: neither shapes a SUM in the other.
                    return Checked(new LogicNode(l.IsAnd, Bind(l.Left, null, inRule), Bind(l.Right, null, inRule)));
                case FuncExpr f:
                {
                    // ISNULL, NULLIF and COALESCE combine their arguments position by position, like
                    // arithmetic; ROUND's digits and the single argument of ABS/FLOOR do not.
                    var combines = f.Name is "ISNULL" or "NULLIF" or "COALESCE";
                    var args = f.Args.Select((a, i) => Bind(a,
                        combines ? ShapeReference(f.Args.Where((_, j) => j != i), other) : i == 0 ? other : null, inRule)).ToArray();
                    return f.Name switch
                    {
                        "ABS" or "FLOOR" => new UnaryNode(f.Name, args[0]),
                        "ROUND" => new RoundNode(args[0], args.Length > 1 ? args[1] : null),
                        "ISNULL" => Checked(new IsNullNode(args[0], args[1])),
                        "NULLIF" => Checked(new NullIfNode(args[0], args[1])),
                        _ => args.Skip(1).Aggregate(args[0], (acc, next) => Checked(new IsNullNode(acc, next))),
                    };
                }
                default:
                    throw new ControlCompileException($"неподдерживаемое выражение в позиции {e.Position}");
            }
        }

        /// <summary>
        /// Checks, now, that the two operands of a binary node broadcast when both sizes are known
        /// without a report (no repeatable rows); a mismatch throws <see cref="ShapeMismatchException"/>.
        /// </summary>
        private static Node Checked(BinaryNode n)
        {
            if (n.Left.StaticLength is { } a && n.Right.StaticLength is { } b)
                Node.Broadcast(a, b);
            return n;
        }

        /// <summary>
        /// The element that decides the axis of a SUM: a SUM takes the shape of what it is combined
        /// with — the other operand of the arithmetic, comparison or ISNULL/NULLIF/COALESCE it stands in.
        /// That operand's first element outside any SUM decides; when it has none (a number, or only
        /// SUMs), the reference handed down from the enclosing operation does; failing that, the element
        /// inside the operand's first SUM. Rows count as "the same" across sections only when they are
        /// fixed rows: an M row stands for a different set of instances in every section.
        /// </summary>
        private static ElementExpr? ShapeReference(Expr sibling, ElementExpr? outer) =>
            FirstElement(sibling, insideSum: false) ?? outer ?? FirstElement(sibling, insideSum: true);

        private static ElementExpr? ShapeReference(IEnumerable<Expr> siblings, ElementExpr? outer)
        {
            var list = siblings.ToArray();
            return list.Select(e => FirstElement(e, insideSum: false)).FirstOrDefault(x => x is not null)
                ?? outer
                ?? list.Select(e => FirstElement(e, insideSum: true)).FirstOrDefault(x => x is not null);
        }

        private static ElementExpr? FirstElement(Expr e, bool insideSum) => e switch
        {
            ElementExpr el => el,
            SumExpr s => insideSum ? s.Element : null,
            NegateExpr n => FirstElement(n.Operand, insideSum),
            ArithExpr a => FirstElement(a.Left, insideSum) ?? FirstElement(a.Right, insideSum),
            CompareExpr c => FirstElement(c.Left, insideSum) ?? FirstElement(c.Right, insideSum),
            LogicExpr l => FirstElement(l.Left, insideSum) ?? FirstElement(l.Right, insideSum),
            FuncExpr f => f.Args.Select(a => FirstElement(a, insideSum)).FirstOrDefault(x => x is not null),
            _ => null,
        };

        private ElementNode BindElement(ElementExpr el)
        {
            var si = template.SectionIndex(el.Section);
            if (si < 0)
                throw new ControlCompileException($"в ссылке {el.Text} указан несуществующий раздел «{el.Section}»");
            var ts = template.Sections[si];
            var rows = Resolve(el, el.Rows, ts.Rows.Count, i => ts.Rows[i].Code, i => ts.Rows[i].Type != RowType.C, ts.RowIndex, "строка", "строки");
            var cols = Resolve(el, el.Columns, ts.Columns.Count, i => ts.Columns[i].Code, i => ts.Columns[i].Type == ColumnType.Z, ts.ColumnIndex, "графа", "графы");
            if (rows.Length == 0 || cols.Length == 0)
                throw new ControlCompileException($"ссылка {el.Text} не указывает ни на одну ячейку раздела «{ts.Code}»");
            var specs = new string?[3];
            for (var i = 0; i < el.Specifics.Count; i++)
                specs[i] = el.Specifics[i] is { } s ? Codes.Key(s) : null;
            return new ElementNode(si, ts, rows, cols, specs, el.Previous);
        }

        /// <summary>
        /// <c>*</c> is every data row (F, M) or every Z column; a range of numeric codes takes the
        /// template's items whose code falls in it, any other range the items between its ends.
        /// </summary>
        private static int[] Resolve(ElementExpr el, IReadOnlyList<Coord>? coords, int count, Func<int, string> code,
            Func<int, bool> isData, Func<string, int> index, string one, string many)
        {
            if (coords is null)
                return Enumerable.Range(0, count).Where(isData).ToArray();
            var result = new List<int>();
            foreach (var coord in coords)
            {
                if (coord.To is null)
                {
                    var i = index(coord.From);
                    if (i < 0)
                        throw new ControlCompileException($"в ссылке {el.Text} {one} «{coord.From}» отсутствует в шаблоне");
                    if (!isData(i))
                        throw new ControlCompileException($"в ссылке {el.Text} {one} «{coord.From}» не содержит данных");
                    result.Add(i);
                    continue;
                }
                if (Codes.IsNumeric(coord.From) && Codes.IsNumeric(coord.To))
                {
                    var inRange = Enumerable.Range(0, count)
                        .Where(i => isData(i) && Codes.IsNumeric(code(i))
                            && Codes.CompareNumeric(code(i), coord.From) >= 0 && Codes.CompareNumeric(code(i), coord.To) <= 0)
                        .ToArray();
                    if (inRange.Length == 0)
                        throw new ControlCompileException($"в ссылке {el.Text} в диапазоне {many} «{coord}» нет ни одной");
                    result.AddRange(inRange);
                    continue;
                }
                var from = index(coord.From);
                var to = index(coord.To);
                if (from < 0 || to < 0 || to < from)
                    throw new ControlCompileException($"в ссылке {el.Text} неверный диапазон {many} «{coord}»");
                result.AddRange(Enumerable.Range(from, to - from + 1).Where(isData));
            }
            return result.ToArray();
        }
    }
}
