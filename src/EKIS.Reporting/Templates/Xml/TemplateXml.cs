using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EKIS.Reporting.Templates.Model;
using static EKIS.Reporting.Templates.Xml.SafeXml;

namespace EKIS.Reporting.Templates.Xml;

/// <summary>
/// Reads a Rosstat <c>metaForm</c> template. Only what makes the template unusable is fatal
/// (not XML, wrong root, no code or version); everything else is collected as a problem for lint,
/// so a template published by Rosstat with a quirk still loads.
/// </summary>
public static partial class TemplateXml
{
    private const string What = "Шаблон";

    public static FormTemplate LoadFile(string path) => Parse(SafeXml.LoadFile(path, What));

    public static FormTemplate Load(Stream stream) => Parse(SafeXml.Load(stream, What));

    public static FormTemplate LoadString(string xml)
    {
        using var s = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml));
        return Load(s);
    }

    public static FormTemplate Parse(XDocument doc)
    {
        var root = doc.Root ?? throw new XmlInputException($"{What}: пустой документ.");
        if (root.Name.LocalName != "metaForm")
            throw new XmlInputException(
                $"{What}: корневой элемент должен быть <metaForm>, а найден <{root.Name.LocalName}> (строка {LineOf(root)}).", LineOf(root));
        var problems = new List<TemplateProblem>();
        var header = new TemplateHeader(
            Code: Attr(root, "code").Trim(),
            Okud: Attr(root, "OKUD").Trim(),
            Idf: Attr(root, "idf").Trim(),
            Idp: Attr(root, "idp").Trim(),
            Shifr: Attr(root, "shifr").Trim(),
            Name: Attr(root, "name").Trim(),
            Obj: Attr(root, "obj").Trim(),
            FormatVersion: Attr(root, "format-version").Trim(),
            Version: Attr(root, "version").Trim());
        if (header.Code.Length == 0)
            throw new XmlInputException($"{What}: у <metaForm> нет атрибута code (строка {LineOf(root)}).", LineOf(root));
        if (header.Version.Length == 0)
            throw new XmlInputException($"{What}: у <metaForm> нет атрибута version (строка {LineOf(root)}).", LineOf(root));
        CheckCode(header, LineOf(root), problems);

        var title = root.Elements("title").Elements("item")
            .Select(i => new TitleField(Attr(i, "field").Trim(), Attr(i, "name").Trim(), AttrOrNull(i, "dic"), LineOf(i)))
            .ToArray();
        var sections = root.Elements("sections").Elements("section").Select(s => ReadSection(s, problems)).ToArray();
        var controls = root.Elements("controls").Elements("control").Select(c => ReadControl(c, problems)).ToArray();
        var dics = root.Elements("dics").Elements("dic").Select(d => new TemplateDictionary(
            Attr(d, "id").Trim(),
            Attr(d, "name").Trim(),
            d.Elements("term").Select(t => new DicTerm(Attr(t, "id").Trim(), t.Value.Trim())).ToArray(),
            LineOf(d))).ToArray();
        return new FormTemplate(header, title, sections, controls, dics, problems);
    }

    private static void CheckCode(TemplateHeader h, int line, List<TemplateProblem> problems)
    {
        // code = OKUD without leading zeros + idf (3 digits) + idp (3 digits).
        if (!int.TryParse(h.Idf, NumberStyles.None, CultureInfo.InvariantCulture, out var idf)
            || !int.TryParse(h.Idp, NumberStyles.None, CultureInfo.InvariantCulture, out var idp))
        {
            problems.Add(new(line, $"Атрибуты idf=«{h.Idf}» и idp=«{h.Idp}» должны быть числами."));
            return;
        }
        var expected = h.Okud.TrimStart('0') + idf.ToString("000", CultureInfo.InvariantCulture) + idp.ToString("000", CultureInfo.InvariantCulture);
        if (h.Code != expected)
            problems.Add(new(line, $"Код формы code=«{h.Code}» не соответствует OKUD, idf и idp (ожидается «{expected}»)."));
        if (idp is not (1 or 2 or 4 or 12 or 36 or 56))
            problems.Add(new(line, $"Неизвестная периодичность idp=«{h.Idp}» (допустимы 1, 2, 4, 12, 36, 56)."));
    }

    private static TemplateSection ReadSection(XElement s, List<TemplateProblem> problems)
    {
        var columns = s.Elements("columns").Elements("column").Select(c =>
        {
            var typeText = Attr(c, "type").Trim();
            if (!Enum.TryParse<ColumnType>(typeText, ignoreCase: false, out var type) || !Enum.IsDefined(type))
            {
                problems.Add(new(LineOf(c), $"Графа «{Attr(c, "code")}»: неизвестный тип «{typeText}» (допустимы B, V, S, Z)."));
                type = ColumnType.B;
            }
            var dc = c.Element("default-cell");
            var spec = dc is null ? new CellSpec(InputType.NotEntered, null, "", 0, null, null, null, LineOf(c)) : ReadCell(dc, null, problems);
            return new TemplateColumn(Attr(c, "code").Trim(), Attr(c, "name").Trim(), type, AttrOrNull(c, "fld"), spec, LineOf(c));
        }).ToArray();
        var byKey = new Dictionary<string, TemplateColumn>(StringComparer.Ordinal);
        foreach (var c in columns)
            byKey.TryAdd(c.Key, c);

        var rows = s.Elements("rows").Elements("row").Select(r =>
        {
            var typeText = Attr(r, "type").Trim();
            if (!Enum.TryParse<RowType>(typeText, ignoreCase: false, out var type) || !Enum.IsDefined(type))
            {
                problems.Add(new(LineOf(r), $"Строка «{Attr(r, "code")}»: неизвестный тип «{typeText}» (допустимы F, C, M)."));
                type = RowType.F;
            }
            var overrides = new Dictionary<string, CellSpec>(StringComparer.Ordinal);
            foreach (var cell in r.Elements("cell"))
            {
                var colKey = Codes.Key(Attr(cell, "column"));
                if (!byKey.TryGetValue(colKey, out var col))
                {
                    problems.Add(new(LineOf(cell), $"Строка «{Attr(r, "code")}»: ячейка ссылается на несуществующую графу «{Attr(cell, "column")}»."));
                    continue;
                }
                if (!overrides.TryAdd(colKey, ReadCell(cell, col.DefaultCell, problems)))
                    problems.Add(new(LineOf(cell), $"Строка «{Attr(r, "code")}»: графа «{Attr(cell, "column")}» переопределена дважды."));
            }
            return new TemplateRow(Attr(r, "code").Trim(), Attr(r, "name").Trim(), type, overrides, LineOf(r));
        }).ToArray();
        return new TemplateSection(Attr(s, "code").Trim(), Attr(s, "name").Trim(), columns, rows, LineOf(s));
    }

    /// <summary>A per-row <c>cell</c> overrides only the attributes it names; the rest come from the column.</summary>
    private static CellSpec ReadCell(XElement e, CellSpec? inherited, List<TemplateProblem> problems)
    {
        var line = LineOf(e);
        var input = inherited?.InputType ?? InputType.Optional;
        if (AttrOrNull(e, "inputType") is { } it)
        {
            if (it is "0" or "1" or "2")
                input = (InputType)(it[0] - '0');
            else
                problems.Add(new(line, $"Недопустимый inputType=«{it}» (допустимы 0, 1, 2)."));
        }
        var formatText = AttrOrNull(e, "format") ?? inherited?.FormatText ?? "";
        CellFormat? format = inherited?.Format;
        if (AttrOrNull(e, "format") is { } ft)
        {
            format = ParseFormat(ft);
            if (format is null)
                problems.Add(new(line, $"Недопустимый формат ячейки «{ft}» (ожидается N(p,s) или C(n))."));
        }
        var vldType = inherited?.VldType ?? 0;
        if (AttrOrNull(e, "vldType") is { } vt)
        {
            if (int.TryParse(vt, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 5)
                vldType = v;
            else
                problems.Add(new(line, $"Недопустимый vldType=«{vt}» (допустимы 1–5)."));
        }
        return new CellSpec(
            input,
            format,
            formatText,
            vldType,
            AttrOrNull(e, "vld") ?? inherited?.Vld,
            AttrOrNull(e, "dic") ?? inherited?.Dic,
            AttrOrNull(e, "default") ?? inherited?.Default,
            line);
    }

    /// <summary><c>N(p,s)</c> or <c>C(n)</c>; null when the text is neither or a size does not fit an int.</summary>
    public static CellFormat? ParseFormat(string text)
    {
        var m = NumberFormat().Match(text);
        if (m.Success)
        {
            if (!Size(m.Groups[1].Value, out var p))
                return null;
            var s = 0;
            if (m.Groups[2].Success && !Size(m.Groups[2].Value, out s))
                return null;
            return new CellFormat.Number(p, s);
        }
        m = TextFormat().Match(text);
        return m.Success && Size(m.Groups[1].Value, out var n) ? new CellFormat.Text(n) : null;
    }

    private static bool Size(string digits, out int value) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static ControlDefinition ReadControl(XElement c, List<TemplateProblem> problems)
    {
        var line = LineOf(c);
        var id = Attr(c, "id").Trim();
        var tip = ControlSeverity.Error;
        if (AttrOrNull(c, "tip") is { } t)
        {
            if (t == "0")
                tip = ControlSeverity.Warning;
            else if (t != "1")
                problems.Add(new(line, $"Контроль «{id}»: недопустимый tip=«{t}» (1 — ошибка, 0 — предупреждение); считается ошибкой."));
        }
        decimal? fault = null;
        if (AttrOrNull(c, "fault") is { } f)
        {
            if (decimal.TryParse(f, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fv))
                fault = fv < 0 ? null : fv; // a negative fault is how some templates say "no tolerance"
            else
                problems.Add(new(line, $"Контроль «{id}»: недопустимое значение fault=«{f}»."));
        }
        var precision = 2;
        if (AttrOrNull(c, "precision") is { } p)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out precision) || precision > 20)
            {
                problems.Add(new(line, $"Контроль «{id}»: недопустимое значение precision=«{p}»; используется 2."));
                precision = 2;
            }
        }
        return new ControlDefinition(id, Attr(c, "name").Trim(), Attr(c, "condition").Trim(), Attr(c, "rule").Trim(), tip, fault, precision,
            Attr(c, "periodClause").Trim(), line);
    }

    // Rosstat files occasionally carry a Cyrillic «С» where a Latin C is meant.
    [GeneratedRegex(@"^\s*N\s*\(\s*(\d+)\s*(?:[,.;]\s*(\d+)\s*)?\)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberFormat();

    [GeneratedRegex(@"^\s*[CС]\s*\(\s*(\d+)\s*\)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TextFormat();
}
