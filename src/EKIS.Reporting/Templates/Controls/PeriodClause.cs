using System.Globalization;

namespace EKIS.Reporting.Templates.Controls;

/// <summary>
/// <c>periodClause</c>: which periods a control applies to, e.g. <c>&amp;NP=12</c> or
/// <c>(&amp;NPIN(3,6,9,12))</c>. <c>&amp;NP</c> is the number of the period within the year
/// (the month for a monthly form, the quarter for a quarterly one). Compiled to a predicate once.
/// </summary>
public static class PeriodClause
{
    public static Func<int, bool> Compile(string text)
    {
        var p = new Parser(text);
        var f = p.Or();
        p.SkipSpace();
        if (p.Pos < text.Length)
            throw p.Error("лишний текст");
        return f;
    }

    private sealed class Parser(string text)
    {
        public int Pos;

        public void SkipSpace()
        {
            while (Pos < text.Length && char.IsWhiteSpace(text[Pos]))
                Pos++;
        }

        public ControlSyntaxException Error(string what) =>
            new($"Ошибка в условии периода «{text}», позиция {Pos + 1}: {what}.", Pos + 1);

        private bool Try(string s)
        {
            SkipSpace();
            if (string.Compare(text, Pos, s, 0, s.Length, StringComparison.OrdinalIgnoreCase) != 0 || Pos + s.Length > text.Length)
                return false;
            if (char.IsLetter(s[^1]) && Pos + s.Length < text.Length && char.IsLetterOrDigit(text[Pos + s.Length]))
                return false;
            Pos += s.Length;
            return true;
        }

        public Func<int, bool> Or()
        {
            var left = And();
            while (Try("or"))
            {
                var (l, r) = (left, And());
                left = n => l(n) || r(n);
            }
            return left;
        }

        private Func<int, bool> And()
        {
            var left = Atom();
            while (Try("and"))
            {
                var (l, r) = (left, Atom());
                left = n => l(n) && r(n);
            }
            return left;
        }

        private Func<int, bool> Atom()
        {
            if (Try("("))
            {
                var inner = Or();
                if (!Try(")"))
                    throw Error("ожидается «)»");
                return inner;
            }
            if (Try("&NPIN") || Try("&NP IN"))
            {
                if (!Try("("))
                    throw Error("ожидается «(»");
                var set = new HashSet<int> { Number() };
                while (Try(","))
                    set.Add(Number());
                if (!Try(")"))
                    throw Error("ожидается «)»");
                return set.Contains;
            }
            if (Try("&NP"))
            {
                Func<int, int, bool> op =
                    Try("<=") ? (a, b) => a <= b :
                    Try(">=") ? (a, b) => a >= b :
                    Try("<>") || Try("!=") ? (a, b) => a != b :
                    Try("<") ? (a, b) => a < b :
                    Try(">") ? (a, b) => a > b :
                    Try("=") ? (a, b) => a == b :
                    throw Error("ожидается сравнение");
                var v = Number();
                return n => op(n, v);
            }
            throw Error("ожидается &NP или &NPIN");
        }

        private int Number()
        {
            SkipSpace();
            var start = Pos;
            while (Pos < text.Length && char.IsDigit(text[Pos]))
                Pos++;
            if (start == Pos)
                throw Error("ожидается число");
            if (!int.TryParse(text.AsSpan(start, Pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                Pos = start;
                throw Error("слишком большое число");
            }
            return value;
        }
    }
}
