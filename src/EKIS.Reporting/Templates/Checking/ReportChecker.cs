using System.Globalization;
using EKIS.Reporting.Templates.Controls;
using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Templates.Checking;

/// <summary>
/// Checks a report against the exact template version it was made with: report attributes, title
/// fields, structure and cell formats, then every control. Pure — no I/O, safe to call concurrently.
/// </summary>
public static class ReportChecker
{
    /// <summary>A report can only be checked by the template version it names.</summary>
    public static bool MatchesTemplate(Report report, FormTemplate template) =>
        report.Header.Code == template.Code && report.Header.Version == template.Version;

    public static CheckResult Check(FormTemplate template, Report report, Report? previous = null)
    {
        var findings = new List<Finding>();
        if (!MatchesTemplate(report, template))
        {
            findings.Add(new Finding(FindingKind.Template, FindingSeverity.Error, "template-version",
                $"Отчёт составлен по шаблону {report.Header.Code} версии «{report.Header.Version}», а проверяется шаблоном {template.Code} версии «{template.Version}»."));
            return CheckResult.From(findings);
        }
        var periodNumber = CheckAttributes(template, report, findings);
        CheckTitle(template, report, findings);
        CheckStructure(template, report, findings);
        string? previousProblem = null;
        if (previous is not null)
        {
            previousProblem = PreviousReportProblem(template, report, previous)
                ?? (periodNumber is null || Year(report.Header.Year) is null
                    ? "не определён отчётный период проверяемого отчёта, поэтому нельзя убедиться, что переданный отчёт — за более ранний период"
                    : null);
        }
        findings.AddRange(CheckControls(template, report, previousProblem is null ? previous : null, periodNumber, previousProblem));
        return CheckResult.From(findings);
    }

    /// <summary>
    /// Why <paramref name="previous"/> cannot serve as the previous period's report for
    /// <paramref name="current"/>, or null when it can: it must be made with the same template
    /// (code and version), have a readable year and period, and — when the current report's year and
    /// period are readable — be for an earlier period.
    /// </summary>
    public static string? PreviousReportProblem(FormTemplate template, Report current, Report previous)
    {
        var ph = previous.Header;
        if (!MatchesTemplate(previous, template))
            return $"отчёт за предыдущий период составлен по шаблону {ph.Code} версии «{ph.Version}», а проверяемый — по шаблону {template.Code} версии «{template.Version}»";
        var periodicity = template.Header.Periodicity;
        if (Year(ph.Year) is not { } py || PeriodNumber(ph.Period, periodicity) is not { } pn)
            return $"в отчёте за предыдущий период недопустимый год или период (year=«{ph.Year}», period=«{ph.Period}»)";
        if (Year(current.Header.Year) is { } y && PeriodNumber(current.Header.Period, periodicity) is { } n && (py, pn).CompareTo((y, n)) >= 0)
            return $"отчёт, переданный как предыдущий, составлен за {py} год, период {ph.Period}, — не раньше проверяемого ({y} год, период {current.Header.Period})";
        return null;
    }

    private static int? Year(string text) =>
        text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1990 and <= 2100 ? year : null;

    /// <param name="previousProblem">Why a previous report given for the check is not used (its controls are then not checked), if so.</param>
    public static IEnumerable<Finding> CheckControls(FormTemplate template, Report report, Report? previous, int? periodNumber, string? previousProblem = null)
    {
        var current = ReportData.Build(template, report);
        var prev = previous is null ? null : ReportData.Build(template, previous);
        foreach (var control in template.Controls)
        {
            foreach (var f in ToFindings(ControlEvaluator.Evaluate(control, current, prev, periodNumber, previousProblem)))
                yield return f;
        }
    }

    public static IEnumerable<Finding> ToFindings(ControlOutcome outcome)
    {
        var def = outcome.Control.Definition;
        if (outcome.Status == ControlStatus.NotChecked)
        {
            yield return new Finding(FindingKind.Control, FindingSeverity.NotChecked, def.Id,
                $"Контроль {def.Id} «{def.Name}» не проверен: {outcome.Reason}");
            yield break;
        }
        var severity = def.Tip == ControlSeverity.Error ? FindingSeverity.Error : FindingSeverity.Warning;
        foreach (var failure in outcome.Failures)
        {
            var cells = string.Join(", ", failure.Cells);
            var values = failure.Left is { } l
                ? $"слева {Number(l)} {failure.Operator} справа {Number(failure.Right ?? 0)}, разница {Number(failure.Difference ?? 0)}"
                : "условие не выполнено";
            var single = failure.Cells.Count == 1 ? failure.Cells[0] : null;
            yield return new Finding(FindingKind.Control, severity, def.Id,
                $"Контроль {def.Id}: {def.Name}; {values}; ячейки: {cells}")
            {
                Section = single?.Section,
                Row = single?.Row,
                Column = single?.Column,
                Cells = failure.Cells,
                Left = failure.Left,
                Right = failure.Right,
                Difference = failure.Difference,
            };
        }
    }

    /// <summary>Invariant, without trailing zeros: 52, 12.5, -0.25.</summary>
    public static string Number(decimal d) => (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The number of the period within the year (&amp;NP). Accepts both <c>0104</c> (periodicity +
    /// number) and <c>4</c>; null when the text is neither or names another periodicity.
    /// </summary>
    public static int? PeriodNumber(string period, int periodicity)
    {
        if (period.Length == 0 || !period.All(char.IsAsciiDigit))
            return null;
        if (period.Length == 4)
        {
            var prefix = int.Parse(period.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture);
            return prefix == periodicity ? int.Parse(period.AsSpan(2, 2), NumberStyles.None, CultureInfo.InvariantCulture) : null;
        }
        return period.Length <= 2 ? int.Parse(period, NumberStyles.None, CultureInfo.InvariantCulture) : null;
    }

    private static int? CheckAttributes(FormTemplate t, Report r, List<Finding> findings)
    {
        var h = r.Header;
        void Error(string code, string message) =>
            findings.Add(new Finding(FindingKind.Attribute, FindingSeverity.Error, code, message) { Line = r.Line });
        if (!Codes.Same(h.Form, t.Header.Idf))
            Error("form", $"Атрибут form=«{h.Form}» не совпадает с idf шаблона «{t.Header.Idf}».");
        if (h.Shifr != t.Header.Shifr)
            Error("shifr", $"Атрибут shifr=«{h.Shifr}» не совпадает с шифром шаблона «{t.Header.Shifr}».");
        if (h.FormatVersion != t.Header.FormatVersion)
            Error("format-version", $"Атрибут format-version=«{h.FormatVersion}» не совпадает с шаблоном («{t.Header.FormatVersion}»).");
        if (Year(h.Year) is null)
            Error("year", $"Недопустимый отчётный год year=«{h.Year}» (ожидается четырёхзначный год).");

        var periodicity = t.Header.Periodicity;
        var number = PeriodNumber(h.Period, periodicity);
        var allowed = t.Dictionary("s_time");
        var valid = number is { } n && (allowed is not null
            ? allowed.Terms.Any(term => PeriodNumber(term.Id, periodicity) == n)
            : n >= 1 && n <= MaxPeriods(periodicity));
        if (!valid)
        {
            var hint = allowed is not null ? string.Join(", ", allowed.Terms.Select(x => x.Id)) : $"1–{MaxPeriods(periodicity)}";
            Error("period", $"Недопустимый отчётный период period=«{h.Period}» для формы с периодичностью {periodicity} (допустимы: {hint}).");
            return null;
        }
        return number;
    }

    private static int MaxPeriods(int periodicity) => periodicity switch { 56 => 53, > 0 => periodicity, _ => 1 };

    private static void CheckTitle(FormTemplate t, Report r, List<Finding> findings)
    {
        void Error(string code, string message, int line) =>
            findings.Add(new Finding(FindingKind.Title, FindingSeverity.Error, code, message) { Line = line });
        foreach (var field in t.Title)
        {
            var items = r.Title.Where(i => string.Equals(i.Name, field.Field, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (items.Length == 0)
            {
                Error("title-missing", $"В титуле нет поля «{field.Field}» ({field.Name}).", r.Line);
                continue;
            }
            if (items.Length > 1)
                Error("title-duplicate", $"Поле титула «{field.Field}» указано {items.Length} раз(а).", items[1].Line);
            var value = items[0].Value;
            if (value.Length == 0)
            {
                Error("title-empty", $"Поле титула «{field.Field}» ({field.Name}) не заполнено.", items[0].Line);
                continue;
            }
            if (string.Equals(field.Field, t.Header.Obj, StringComparison.OrdinalIgnoreCase)
                && string.Equals(t.Header.Obj, "okpo", StringComparison.OrdinalIgnoreCase)
                && (!value.All(char.IsAsciiDigit) || value.Length is not (8 or 10 or 14)))
                Error("okpo", $"Код ОКПО «{value}» должен состоять из 8, 10 или 14 цифр.", items[0].Line);
        }
        foreach (var item in r.Title)
        {
            if (!t.Title.Any(f => string.Equals(f.Field, item.Name, StringComparison.OrdinalIgnoreCase)))
                Error("title-extra", $"Лишнее поле титула «{item.Name}»: его нет в шаблоне.", item.Line);
        }
    }

    private static void CheckStructure(FormTemplate t, Report r, List<Finding> findings)
    {
        var seen = new HashSet<int>();
        foreach (var rs in r.Sections)
        {
            var si = t.SectionIndex(rs.Code);
            if (si < 0)
            {
                findings.Add(Format("section-unknown", $"Раздел «{rs.Code}» отсутствует в шаблоне.", rs.Line) with { Section = rs.Code });
                continue;
            }
            if (!seen.Add(si))
            {
                findings.Add(Format("section-duplicate", $"Раздел «{rs.Code}» встречается в отчёте повторно.", rs.Line) with { Section = rs.Code });
                continue;
            }
            CheckSection(t, t.Sections[si], rs, findings);
        }
        for (var si = 0; si < t.Sections.Count; si++)
        {
            if (!seen.Contains(si))
                findings.Add(Format("section-missing", $"В отчёте нет раздела «{t.Sections[si].Code}» ({t.Sections[si].Name}).", r.Line) with { Section = t.Sections[si].Code });
        }
    }

    private static Finding Format(string code, string message, int line) =>
        new(FindingKind.Format, FindingSeverity.Error, code, message) { Line = line };

    private static void CheckSection(FormTemplate t, TemplateSection ts, ReportSection rs, List<Finding> findings)
    {
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        var present = new HashSet<int>();
        foreach (var row in rs.Rows)
        {
            var ri = ts.RowIndex(row.Code);
            var at = $"Разд.{ts.Code} стр.{row.Code}";
            if (ri < 0)
            {
                findings.Add(Format("row-unknown", $"{at}: такой строки нет в шаблоне.", row.Line) with { Section = ts.Code, Row = row.Code });
                continue;
            }
            var tr = ts.Rows[ri];
            if (tr.Type == RowType.C)
            {
                findings.Add(Format("row-caption", $"{at}: строка-заголовок не заполняется.", row.Line) with { Section = ts.Code, Row = tr.Code });
                continue;
            }
            // A fixed row exists once whatever its specifics say; only repeatable rows are keyed by them.
            var key = tr.Type == RowType.F ? tr.Key : string.Join("\u001f", tr.Key, Codes.Key(row.S1), Codes.Key(row.S2), Codes.Key(row.S3));
            if (!rowKeys.Add(key))
            {
                findings.Add(Format("row-duplicate", $"{at}{Specifics(row)}: строка повторяется.", row.Line) with { Section = ts.Code, Row = tr.Code });
                continue;
            }
            present.Add(ri);
            if (tr.Type == RowType.M)
                CheckSpecifics(t, ts, ri, row, findings);
            else if (HasSpecifics(row))
                findings.Add(Format("row-specific", $"{at}{Specifics(row)}: строка не повторяющаяся, специфики (s1, s2, s3) в ней не допускаются.", row.Line) with { Section = ts.Code, Row = tr.Code });
            var cols = new HashSet<int>();
            var filled = new HashSet<int>();
            foreach (var cell in row.Cells)
            {
                var ci = ts.ColumnIndex(cell.Column);
                var cellAt = $"{at}{Specifics(row)} гр.{cell.Column}";
                if (ci < 0)
                {
                    findings.Add(Format("column-unknown", $"{cellAt}: такой графы нет в шаблоне.", cell.Line) with { Section = ts.Code, Row = tr.Code, Column = cell.Column });
                    continue;
                }
                var col = ts.Columns[ci];
                var cellFinding = Format("", "", cell.Line) with
                {
                    Section = ts.Code, Row = tr.Code, Column = col.Code,
                    Cells = [new CellRef(ts.Code, tr.Code, col.Code, row.S1, row.S2, row.S3)],
                };
                if (!cols.Add(ci))
                {
                    findings.Add(cellFinding with { Code = "cell-duplicate", Message = $"{cellAt}: графа указана в строке дважды." });
                    continue;
                }
                if (string.IsNullOrWhiteSpace(cell.Value))
                    continue;
                filled.Add(ci);
                // Values in a report are written (a file, or storage): the one cell-value rule judges them.
                var check = CellValueRule.Check(CellValueRule.Of(t, ts.CellSpecFor(ri, ci)), cell.Value, ValueSpelling.Written);
                if (check.Reason is { } reason)
                    findings.Add(cellFinding with { Code = FindingCode(reason), Message = $"{cellAt}: {check.Message}" });
            }
            if (tr.Type == RowType.F)
                CheckMandatory(ts, ri, filled, row.S1, row.Line, findings);
        }
        for (var ri = 0; ri < ts.Rows.Count; ri++)
        {
            if (ts.Rows[ri].Type == RowType.F && !present.Contains(ri))
                CheckMandatory(ts, ri, [], null, rs.Line, findings);
        }
    }

    private static void CheckMandatory(TemplateSection ts, int ri, HashSet<int> filled, string? s1, int line, List<Finding> findings)
    {
        for (var ci = 0; ci < ts.Columns.Count; ci++)
        {
            var col = ts.Columns[ci];
            if (col.Type != ColumnType.Z || filled.Contains(ci) || ts.CellSpecFor(ri, ci).InputType != InputType.Mandatory)
                continue;
            var row = ts.Rows[ri];
            findings.Add(Format("cell-mandatory", $"Разд.{ts.Code} стр.{row.Code} гр.{col.Code}: обязательная ячейка не заполнена.", line) with
            {
                Section = ts.Code, Row = row.Code, Column = col.Code, Cells = [new CellRef(ts.Code, row.Code, col.Code, s1)],
            });
        }
    }

    private static void CheckSpecifics(FormTemplate t, TemplateSection ts, int ri, ReportRow row, List<Finding> findings)
    {
        var tr = ts.Rows[ri];
        for (var ci = 0; ci < ts.Columns.Count; ci++)
        {
            var col = ts.Columns[ci];
            if (col.Type != ColumnType.S)
                continue;
            var fld = col.Fld?.ToLowerInvariant();
            var value = fld switch { "s1" => row.S1, "s2" => row.S2, "s3" => row.S3, _ => null };
            var at = $"Разд.{ts.Code} стр.{tr.Code}{Specifics(row)}";
            if (fld is not ("s1" or "s2" or "s3"))
                continue;
            if (string.IsNullOrEmpty(value))
            {
                findings.Add(Format("specific-missing", $"{at}: не указана специфика {fld} (гр.{col.Code} «{col.Name}»).", row.Line) with { Section = ts.Code, Row = tr.Code, Column = col.Code });
                continue;
            }
            var spec = ts.CellSpecFor(ri, ci);
            if (spec.VldType is 1 or 4 && t.Dictionary(spec.Dic) is { } dic && !dic.Contains(value))
                findings.Add(Format("specific-dictionary", $"{at}: значение специфики {fld}=«{value}» отсутствует в справочнике «{dic.Name}» ({dic.Id}).", row.Line) with { Section = ts.Code, Row = tr.Code, Column = col.Code });
        }
    }

    private static bool HasSpecifics(ReportRow row) =>
        !string.IsNullOrEmpty(row.S1) || !string.IsNullOrEmpty(row.S2) || !string.IsNullOrEmpty(row.S3);

    private static string Specifics(ReportRow row)
    {
        var s = string.Join(", ", new[] { row.S1, row.S2, row.S3 }.Where(x => x is not null));
        return s.Length > 0 ? $" [{s}]" : "";
    }

    /// <summary>The finding code of each reason of the cell-value rule (stable: the CLI's JSON carries them).</summary>
    public static string FindingCode(CellValueReason reason) => reason switch
    {
        CellValueReason.NotNumber or CellValueReason.NumberFormat => "cell-number",
        CellValueReason.Negative => "cell-negative",
        CellValueReason.TooLong => "cell-length",
        CellValueReason.OutOfRange => "cell-range",
        CellValueReason.NotInList => "cell-list",
        CellValueReason.NotInDictionary => "cell-dictionary",
        CellValueReason.NotEntered => "cell-not-entered",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
