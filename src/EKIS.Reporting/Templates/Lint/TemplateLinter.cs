using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Templates.Lint;

/// <summary>
/// One lint problem. <see cref="Code"/> says what kind: <c>load</c> (noticed while loading: a bad
/// attribute, format or reference), <c>duplicate</c>, <c>structure</c>, <c>cell</c> (a value check
/// without what it needs), <c>control</c> (a control that cannot be evaluated), <c>dictionary</c>.
/// </summary>
public sealed record LintProblem(int Line, string Message, string Code = "load")
{
    public override string ToString() => Line > 0 ? $"строка {Line}: {Message}" : Message;
}

/// <summary>
/// Checks a template before anyone fills it: every control parses and references cells that exist,
/// codes are unique, dictionaries and value checks are well-formed. Problems carry the line of the
/// template file they are about.
/// </summary>
public static class TemplateLinter
{
    /// <summary>Lints a file; a file that cannot be used at all throws <see cref="XmlInputException"/>.</summary>
    public static IReadOnlyList<LintProblem> LintFile(string path) => Lint(TemplateXml.LoadFile(path));

    public static IReadOnlyList<LintProblem> Lint(FormTemplate t)
    {
        var problems = t.LoadProblems.Select(p => new LintProblem(p.Line, p.Message)).ToList();
        void Add(int line, string message, string code = "structure") => problems.Add(new LintProblem(line, message, code));

        Duplicates(t.Title, f => f.Field.ToUpperInvariant(), f => f.Line, f => $"Поле титула «{f.Field}» повторяется.", problems);
        if (t.Header.Obj.Length > 0 && !t.Title.Any(f => string.Equals(f.Field, t.Header.Obj, StringComparison.OrdinalIgnoreCase)))
            Add(0, $"Ключевое поле obj=«{t.Header.Obj}» отсутствует в титуле.");
        Duplicates(t.Sections, s => s.Key, s => s.Line, s => $"Код раздела «{s.Code}» повторяется.", problems);
        foreach (var s in t.Sections)
        {
            if (s.Code.Length == 0)
                Add(s.Line, "У раздела не указан код.");
            Duplicates(s.Columns, c => c.Key, c => c.Line, c => $"Разд.{s.Code}: код графы «{c.Code}» повторяется.", problems);
            Duplicates(s.Rows.Where(r => r.Key.Length > 0), r => r.Key, r => r.Line, r => $"Разд.{s.Code}: код строки «{r.Code}» повторяется.", problems);
            foreach (var r in s.Rows.Where(r => r.Key.Length == 0 && r.Type != RowType.C))
                Add(r.Line, $"Разд.{s.Code}: у строки «{r.Name}» типа {r.Type} не указан код.");
            if (s.Rows.Any(r => r.Type == RowType.M) && !s.Columns.Any(c => c.Type == ColumnType.S))
                Add(s.Line, $"Разд.{s.Code}: есть повторяющиеся строки (M), но нет ключевой графы (S).");
            foreach (var c in s.Columns)
            {
                if (c.Type == ColumnType.S && c.Fld?.ToLowerInvariant() is not ("s1" or "s2" or "s3"))
                    Add(c.Line, $"Разд.{s.Code} гр.{c.Code}: ключевая графа должна иметь fld = s1, s2 или s3.");
                CheckSpec(t, c.DefaultCell, $"Разд.{s.Code} гр.{c.Code}", problems);
            }
            foreach (var r in s.Rows)
            {
                foreach (var (col, spec) in r.CellOverrides)
                    CheckSpec(t, spec, $"Разд.{s.Code} стр.{r.Code} гр.{col}", problems);
            }
        }
        Duplicates(t.Controls.Select(c => c.Definition), c => c.Id, c => c.Line, c => $"Идентификатор контроля «{c.Id}» повторяется.", problems);
        foreach (var c in t.Controls)
        {
            if (c.Definition.Id.Length == 0)
                Add(c.Definition.Line, "У контроля не указан id.", "control");
            if (c.Error is { } error)
                Add(c.Definition.Line, error, "control");
        }
        Duplicates(t.Dictionaries, d => d.Id.ToUpperInvariant(), d => d.Line, d => $"Справочник «{d.Id}» повторяется.", problems);
        foreach (var d in t.Dictionaries)
            Duplicates(d.Terms, term => Codes.Key(term.Id), _ => d.Line, term => $"Справочник «{d.Id}»: код «{term.Id}» повторяется.", problems);
        if (t.Dictionary("s_time") is null)
            Add(0, "Нет справочника периодов s_time: допустимые периоды будут выводиться только из периодичности.", "dictionary");
        return problems.OrderBy(p => p.Line).ToArray();
    }

    private static void CheckSpec(FormTemplate t, CellSpec spec, string at, List<LintProblem> problems)
    {
        switch (spec.VldType)
        {
            case 1 or 4 when t.Dictionary(spec.Dic) is null:
                problems.Add(new(spec.Line, $"{at}: проверка vldType={spec.VldType} ссылается на отсутствующий справочник «{spec.Dic}».", "cell"));
                break;
            case 2 when spec.Vld is null || CellValueRule.ParseRange(spec.Vld) is null:
                problems.Add(new(spec.Line, $"{at}: для vldType=2 нужен диапазон vld=\"min-max\", а указано «{spec.Vld}».", "cell"));
                break;
            case 3 when string.IsNullOrWhiteSpace(spec.Vld):
                problems.Add(new(spec.Line, $"{at}: для vldType=3 нужен список vld=\"1,2\".", "cell"));
                break;
        }
    }

    private static void Duplicates<T>(IEnumerable<T> items, Func<T, string> key, Func<T, int> line, Func<T, string> message, List<LintProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!seen.Add(key(item)))
                problems.Add(new LintProblem(line(item), message(item), "duplicate"));
        }
    }
}
