using System.Globalization;

namespace EKIS.Reporting.Templates.Controls;

/// <summary>A rule, condition or period clause that does not parse. <see cref="Position"/> is 1-based.</summary>
public sealed class ControlSyntaxException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}

/// <summary>The parsed form of a rule or condition, before it is bound to a template.</summary>
public abstract record Expr(int Position);

public sealed record NumberExpr(decimal Value, int Position) : Expr(Position);

/// <summary><c>code</c> or <c>from-to</c>.</summary>
public sealed record Coord(string From, string? To)
{
    public override string ToString() => To is null ? From : $"{From}-{To}";
}

/// <summary>
/// <c>{[section][rows][columns][s1][s2][s3]}</c>; a null list means <c>*</c>, a null specific means any.
/// <see cref="Previous"/> marks <c>{{…}}</c>, the same cells in the previous period's report.
/// </summary>
public sealed record ElementExpr(
    string Section,
    IReadOnlyList<Coord>? Rows,
    IReadOnlyList<Coord>? Columns,
    IReadOnlyList<string?> Specifics,
    bool Previous,
    string Text,
    int Position) : Expr(Position);

public sealed record SumExpr(ElementExpr Element, int Position) : Expr(Position);

public sealed record FuncExpr(string Name, IReadOnlyList<Expr> Args, int Position) : Expr(Position);

public sealed record NegateExpr(Expr Operand, int Position) : Expr(Position);

public sealed record ArithExpr(char Op, Expr Left, Expr Right, int Position) : Expr(Position);

public enum CompareOp { Lt, Le, Eq, Ge, Gt, Ne }

public sealed record CompareExpr(CompareOp Op, Expr Left, Expr Right, int Position) : Expr(Position);

public sealed record LogicExpr(bool IsAnd, Expr Left, Expr Right, int Position) : Expr(Position);

/// <summary>
/// Parser for Rosstat's control language:
/// <code>
/// expr    := or ;  or := and ("or" and)* ;  and := cmp ("and" cmp)*
/// cmp     := sum [("&lt;"|"&lt;="|"="|"&gt;="|"&gt;"|"&lt;&gt;") sum]
/// sum     := term (("+"|"-") term)* ;  term := unary (("*"|"/") unary)*
/// unary   := "-" unary | primary
/// primary := number | element | "SUM" element | func "(" expr ("," expr)* ")" | "(" expr ")"
/// element := "{" "[" section "]" "[" rows "]" "[" columns "]" ("[" spec "]"){0,3} "}"  |  "{" element "}"
/// </code>
/// "|" characters are noise and read as spaces.
/// </summary>
public sealed class ControlParser
{
    private static readonly HashSet<string> Functions = new(StringComparer.OrdinalIgnoreCase)
    {
        "ABS", "FLOOR", "ROUND", "ISNULL", "NULLIF", "COALESCE",
    };

    /// <summary>
    /// The deepest expression accepted. Real controls nest a few levels; the cap keeps a hostile or
    /// broken template from exhausting the stack in the parser, the binder or the evaluator.
    /// </summary>
    public const int MaxDepth = 200;

    private readonly string _text;
    private int _pos;
    private int _nesting;

    private ControlParser(string text)
    {
        _text = text.Replace('|', ' ');
    }

    [ThreadStatic]
    private static int t_parses;

    /// <summary>How many expressions this thread has parsed: lets tests prove a check does not re-parse controls.</summary>
    internal static int ParsesOnThisThread => t_parses;

    public static Expr Parse(string text)
    {
        t_parses++;
        var p = new ControlParser(text);
        p.SkipSpace();
        if (p.AtEnd)
            throw new ControlSyntaxException("Пустое выражение.", 1);
        var e = p.ParseOr();
        p.SkipSpace();
        if (!p.AtEnd)
            throw p.Error($"лишний текст «{p.Rest()}»");
        if (Depth(e) > MaxDepth)
            throw new ControlSyntaxException($"Выражение слишком сложное: глубина вложенности больше {MaxDepth}.", 1);
        return e;
    }

    /// <summary>The depth of the tree, measured without recursion (a long chain a + b + … is deep).</summary>
    private static int Depth(Expr root)
    {
        var max = 0;
        var stack = new Stack<(Expr E, int D)>();
        stack.Push((root, 1));
        while (stack.Count > 0)
        {
            var (e, d) = stack.Pop();
            max = Math.Max(max, d);
            if (max > MaxDepth)
                return max;
            IEnumerable<Expr> children = e switch
            {
                NegateExpr n => [n.Operand],
                ArithExpr a => [a.Left, a.Right],
                CompareExpr c => [c.Left, c.Right],
                LogicExpr l => [l.Left, l.Right],
                FuncExpr f => f.Args,
                SumExpr s => [s.Element],
                _ => [],
            };
            foreach (var child in children)
                stack.Push((child, d + 1));
        }
        return max;
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_pos]))
            _pos++;
    }

    private string Rest() => _text[_pos..].Trim() is var r && r.Length > 20 ? r[..20] + "…" : _text[_pos..].Trim();

    private ControlSyntaxException Error(string what) => new($"Ошибка в выражении, позиция {_pos + 1}: {what}.", _pos + 1);

    private bool TryKeyword(string word)
    {
        SkipSpace();
        if (_pos + word.Length > _text.Length || string.Compare(_text, _pos, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) != 0)
            return false;
        var after = Peek(word.Length);
        if (char.IsLetterOrDigit(after) || after == '_')
            return false;
        _pos += word.Length;
        return true;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (true)
        {
            var at = _pos;
            if (!TryKeyword("or"))
                return left;
            left = new LogicExpr(false, left, ParseAnd(), at + 1);
        }
    }

    private Expr ParseAnd()
    {
        var left = ParseCompare();
        while (true)
        {
            var at = _pos;
            if (!TryKeyword("and"))
                return left;
            left = new LogicExpr(true, left, ParseCompare(), at + 1);
        }
    }

    private Expr ParseCompare()
    {
        var left = ParseSum();
        SkipSpace();
        var at = _pos;
        CompareOp? op = (Peek(), Peek(1)) switch
        {
            ('<', '=') => CompareOp.Le,
            ('>', '=') => CompareOp.Ge,
            ('<', '>') => CompareOp.Ne,
            ('!', '=') => CompareOp.Ne,
            ('=', '=') => CompareOp.Eq,
            ('<', _) => CompareOp.Lt,
            ('>', _) => CompareOp.Gt,
            ('=', _) => CompareOp.Eq,
            _ => null,
        };
        if (op is null)
            return left;
        _pos += (Peek(), Peek(1)) is ('<', '=') or ('>', '=') or ('<', '>') or ('!', '=') or ('=', '=') ? 2 : 1;
        var right = ParseSum();
        SkipSpace();
        if (Peek() is '<' or '>' or '=')
            throw Error("два сравнения подряд; объедините их через and");
        return new CompareExpr(op.Value, left, right, at + 1);
    }

    private Expr ParseSum()
    {
        var left = ParseTerm();
        while (true)
        {
            SkipSpace();
            var c = Peek();
            if (c is not ('+' or '-'))
                return left;
            var at = _pos++;
            left = new ArithExpr(c, left, ParseTerm(), at + 1);
        }
    }

    private Expr ParseTerm()
    {
        var left = ParseUnary();
        while (true)
        {
            SkipSpace();
            var c = Peek();
            if (c is not ('*' or '/'))
                return left;
            var at = _pos++;
            left = new ArithExpr(c, left, ParseUnary(), at + 1);
        }
    }

    private Expr ParseUnary()
    {
        if (++_nesting > MaxDepth)
            throw Error($"слишком глубокая вложенность (больше {MaxDepth})");
        try
        {
            return ParseUnaryCore();
        }
        finally
        {
            _nesting--;
        }
    }

    private Expr ParseUnaryCore()
    {
        SkipSpace();
        var at = _pos;
        if (Peek() == '-')
        {
            _pos++;
            return new NegateExpr(ParseUnary(), at + 1);
        }
        if (Peek() == '+')
        {
            _pos++;
            return ParseUnary();
        }
        return ParsePrimary();
    }

    private Expr ParsePrimary()
    {
        SkipSpace();
        var at = _pos;
        var c = Peek();
        if (AtEnd)
            throw Error("выражение оборвано");
        if (c == '{')
            return ParseElement();
        if (char.IsDigit(c) || c == '.')
        {
            while (char.IsDigit(Peek()) || Peek() == '.')
                _pos++;
            var s = _text[at.._pos];
            if (!decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v))
                throw new ControlSyntaxException($"Ошибка в выражении, позиция {at + 1}: неверное число «{s}».", at + 1);
            return new NumberExpr(v, at + 1);
        }
        if (c == '(')
        {
            _pos++;
            var inner = ParseOr();
            Expect(')');
            return inner;
        }
        if (char.IsLetter(c))
        {
            while (char.IsLetterOrDigit(Peek()) || Peek() == '_')
                _pos++;
            var name = _text[at.._pos];
            if (name.Equals("SUM", StringComparison.OrdinalIgnoreCase))
            {
                SkipSpace();
                var parens = Peek() == '(';
                if (parens)
                    _pos++;
                SkipSpace();
                if (Peek() != '{')
                    throw Error("после SUM ожидается ссылка на ячейки {[раздел][строки][графы]}");
                var element = ParseElement();
                if (parens)
                    Expect(')');
                return new SumExpr(element, at + 1);
            }
            if (!Functions.Contains(name))
                throw new ControlSyntaxException($"Ошибка в выражении, позиция {at + 1}: неизвестная функция или слово «{name}».", at + 1);
            Expect('(');
            var args = new List<Expr> { ParseOr() };
            while (true)
            {
                SkipSpace();
                if (Peek() != ',')
                    break;
                _pos++;
                args.Add(ParseOr());
            }
            Expect(')');
            var upper = name.ToUpperInvariant();
            var (min, max) = upper switch
            {
                "ABS" or "FLOOR" => (1, 1),
                "ROUND" => (1, 2),
                "ISNULL" or "NULLIF" => (2, 2),
                _ => (1, int.MaxValue),
            };
            if (args.Count < min || args.Count > max)
                throw new ControlSyntaxException(
                    $"Ошибка в выражении, позиция {at + 1}: функция {upper} принимает {(min == max ? min.ToString(CultureInfo.InvariantCulture) : $"от {min}")} аргумент(а), передано {args.Count}.",
                    at + 1);
            return new FuncExpr(upper, args, at + 1);
        }
        throw Error($"неожиданный символ «{c}»");
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
            throw Error(AtEnd ? $"ожидается «{c}», а выражение закончилось" : $"ожидается «{c}», а найдено «{Peek()}»");
        _pos++;
    }

    private ElementExpr ParseElement()
    {
        var start = _pos;
        Expect('{');
        SkipSpace();
        var previous = false;
        if (Peek() == '{')
        {
            previous = true;
            _pos++;
        }
        var parts = new List<string>();
        while (true)
        {
            SkipSpace();
            if (Peek() != '[')
                break;
            var open = _pos++;
            var close = _text.IndexOf(']', _pos);
            if (close < 0)
                throw new ControlSyntaxException($"Ошибка в выражении, позиция {open + 1}: не закрыта скобка «[».", open + 1);
            parts.Add(_text[_pos..close].Trim());
            _pos = close + 1;
        }
        Expect('}');
        if (previous)
            Expect('}');
        var text = _text[start.._pos];
        if (parts.Count < 3)
            throw new ControlSyntaxException(
                $"Ошибка в выражении, позиция {start + 1}: ссылка «{text}» должна содержать [раздел][строки][графы].", start + 1);
        if (parts.Count > 6)
            throw new ControlSyntaxException(
                $"Ошибка в выражении, позиция {start + 1}: в ссылке «{text}» больше трёх специфик.", start + 1);
        if (parts[0].Length == 0 || parts[0] == "*")
            throw new ControlSyntaxException($"Ошибка в выражении, позиция {start + 1}: в ссылке «{text}» не указан раздел.", start + 1);
        var specifics = parts.Skip(3).Select(s => s is "" or "*" ? null : s).ToArray();
        return new ElementExpr(parts[0], Coords(parts[1], text, start), Coords(parts[2], text, start), specifics, previous, text, start + 1);
    }

    private static List<Coord>? Coords(string list, string text, int start)
    {
        if (list == "*")
            return null;
        var result = new List<Coord>();
        foreach (var raw in list.Split(','))
        {
            var item = raw.Trim();
            var dash = item.IndexOf('-', StringComparison.Ordinal);
            var coord = dash < 0 ? new Coord(item, null) : new Coord(item[..dash].Trim(), item[(dash + 1)..].Trim());
            if (coord.From.Length == 0 || coord.To is { Length: 0 } || coord.From == "*" || coord.To == "*")
                throw new ControlSyntaxException($"Ошибка в выражении, позиция {start + 1}: неверный список «{list}» в ссылке «{text}».", start + 1);
            result.Add(coord);
        }
        return result;
    }
}
