using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Templates;

/// <summary>How a value was spelled: typed by a person (Russian: spaces between thousands, a decimal comma, «−»), or written in a report file or storage (digits, '.', a leading '-').</summary>
public enum ValueSpelling { Typed, Written }

/// <summary>Why a cell does not take a value. Each reason has one Russian wording (<see cref="CellValueRule.Message"/>).</summary>
public enum CellValueReason { NotEntered, NotNumber, NumberFormat, Negative, TooLong, OutOfRange, NotInList, NotInDictionary }

/// <summary>
/// What the template says about one cell's value — format, digits, decimals, sign, allowed values — in
/// the shape the entry page's script receives (serialised with web defaults; <c>wwwroot/js/cell-value-rule.js</c>
/// reads exactly these properties).
/// </summary>
public sealed record CellValueFormat(
    bool Entered,
    string Kind,
    int Digits,
    int Decimals,
    int? MaxLength,
    decimal? Min,
    decimal? Max,
    IReadOnlyList<string>? List,
    string? DictionaryName,
    IReadOnlyList<string>? Dictionary)
{
    [JsonIgnore]
    public bool IsNumber => Kind == "N";

    /// <summary>Negative numbers only where the allowed values include one (a range or a list with a negative item).</summary>
    [JsonIgnore]
    public bool Negative => Min is < 0 || (List?.Any(x => CellValueRule.ParseWritten(x) is { } d && d < 0) ?? false);
}

/// <summary>The answer for one text: the normalised value (null for an empty cell) or the reason and its wording.</summary>
public readonly record struct CellValueCheck(string? Value, CellValueReason? Reason, string? Message)
{
    public bool Ok => Reason is null;
}

/// <summary>
/// THE cell-value rule (issue 11, point 4), used by saving (<c>SaveValues</c>), checking
/// (<see cref="Checking.ReportChecker"/>, also for report files) and mirrored by the entry page's
/// <c>wwwroot/js/cell-value-rule.js</c>; <c>tests/…/Templates/cell-value-cases.json</c> is the one table
/// of cases both are tested against. Decisions (Rosstat's N(p,s): at most p integer and s fractional
/// digits, numbers written with '.'):
/// digits are counted in the written form the Rosstat file gets — leading zeros dropped, at least one
/// integer digit, so «0» and «0.5» have one; fractional digits as written (1.50 has two); the sign is
/// not a digit. Negative numbers only where the range or list allows one («-0» is 0). Typed text may
/// group thousands with spaces and use a decimal comma and «−»; written text may not. Text is trimmed;
/// a code from a list or dictionary is stored as the template spells it (01 → 1).
/// </summary>
public static class CellValueRule
{
    public static CellValueFormat Of(FormTemplate template, CellSpec spec) => Of(spec, template.Dictionary(spec.Dic));

    public static CellValueFormat Of(CellSpec spec, TemplateDictionary? dictionary)
    {
        var (kind, digits, decimals, max) = spec.Format switch
        {
            CellFormat.Number(var p, var s) => ("N", p, s, (int?)null),
            CellFormat.Text(var n) => ("C", 0, 0, n),
            _ => ("", 0, 0, (int?)null),
        };
        var range = spec.VldType == 2 && spec.Vld is { } r ? ParseRange(r) : null;
        var list = spec.VldType == 3 && spec.Vld is { } l ? l.Split(',').Select(x => x.Trim()).Where(x => x.Length > 0).ToArray() : null;
        var dic = spec.VldType == 1 ? dictionary : null;
        return new CellValueFormat(spec.InputType != InputType.NotEntered, kind, digits, decimals, max,
            range?.Min, range?.Max, list, dic?.Name, dic?.Terms.Select(t => t.Id).ToArray());
    }

    public static CellValueCheck Check(CellValueFormat f, string? text, ValueSpelling spelling)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value)) return default;
        CellValueCheck Refused(CellValueReason reason) => new(null, reason, Message(reason, f, value));
        if (!f.Entered) return Refused(CellValueReason.NotEntered);
        if (f.IsNumber)
        {
            if (Normalise(value, spelling) is not { } n) return Refused(CellValueReason.NotNumber);
            var unsigned = n.TrimStart('-');
            var dot = unsigned.IndexOf('.', StringComparison.Ordinal);
            var intDigits = dot < 0 ? unsigned.Length : dot;
            var fracDigits = dot < 0 ? 0 : unsigned.Length - dot - 1;
            if (intDigits > f.Digits || fracDigits > f.Decimals) return Refused(CellValueReason.NumberFormat);
            if (n.StartsWith('-') && !f.Negative) return Refused(CellValueReason.Negative);
            // Beyond decimal's 28 digits only the format applies: such a number is outside any range or list.
            var d = ParseWritten(n);
            if (f.Min is { } min && f.Max is { } max && (d is null || d < min || d > max)) return Refused(CellValueReason.OutOfRange);
            if (f.List is { } list && (d is null || !list.Any(x => ParseWritten(x) == d))) return Refused(CellValueReason.NotInList);
            if (f.Dictionary is { } dic && !dic.Any(x => Codes.Same(x, n))) return Refused(CellValueReason.NotInDictionary);
            return new CellValueCheck(n, null, null);
        }
        if (f.MaxLength is { } maxLength && value.Length > maxLength) return Refused(CellValueReason.TooLong);
        if (f.List is { } items)
        {
            var item = items.FirstOrDefault(x => Codes.Same(x, value));
            if (item is null) return Refused(CellValueReason.NotInList);
            value = item;
        }
        if (f.Dictionary is { } codes)
        {
            var code = codes.FirstOrDefault(x => Codes.Same(x, value));
            if (code is null) return Refused(CellValueReason.NotInDictionary);
            value = code;
        }
        return new CellValueCheck(value, null, null);
    }

    /// <summary>The one Russian wording of each reason, for the (trimmed) text refused.</summary>
    public static string Message(CellValueReason reason, CellValueFormat f, string text) => reason switch
    {
        CellValueReason.NotEntered => "ячейка не заполняется («х»)",
        CellValueReason.NotNumber => $"«{text}» — не число",
        CellValueReason.NumberFormat => $"число «{text}» не соответствует формату N({f.Digits},{f.Decimals}): не более {f.Digits} {DigitsWord(f.Digits)} в целой части"
            + (f.Decimals == 0 ? ", без дробной части" : $" и {f.Decimals} в дробной"),
        CellValueReason.Negative => $"отрицательное значение «{text}» недопустимо",
        CellValueReason.TooLong => $"текст из {text.Length} симв., допускается не более {f.MaxLength}",
        CellValueReason.OutOfRange => $"значение «{text}» вне допустимого диапазона от {Invariant(f.Min ?? 0)} до {Invariant(f.Max ?? 0)}",
        CellValueReason.NotInList => $"значение «{text}» не входит в список допустимых: {string.Join(", ", f.List ?? [])}",
        CellValueReason.NotInDictionary => $"значения «{text}» нет в справочнике «{f.DictionaryName}»",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>The code of a reason as the table of cases and the entry page's script spell it: <c>not-number</c>, <c>number-format</c>…</summary>
    public static string Code(CellValueReason reason) => reason switch
    {
        CellValueReason.NotEntered => "not-entered",
        CellValueReason.NotNumber => "not-number",
        CellValueReason.NumberFormat => "number-format",
        CellValueReason.Negative => "negative",
        CellValueReason.TooLong => "too-long",
        CellValueReason.OutOfRange => "out-of-range",
        CellValueReason.NotInList => "not-in-list",
        CellValueReason.NotInDictionary => "not-in-dictionary",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    // 1, 21, 31… цифры; 0, 2–20, 22… цифр (genitive after «не более»).
    private static string DigitsWord(int n) => n % 10 == 1 && n % 100 != 11 ? "цифры" : "цифр";

    private static string Invariant(decimal d) => (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A number's written form (digits, at most one '.', a leading '-'; no leading zeros but one, no
    /// sign on zero), or null when the text is not a number in that spelling.
    /// </summary>
    public static string? Normalise(string text, ValueSpelling spelling)
    {
        var t = text.Trim();
        if (spelling == ValueSpelling.Typed)
        {
            var sb = new StringBuilder(t.Length);
            foreach (var ch in t)
            {
                if (ch is ' ' or '\u00A0' or '\u202F') continue;
                sb.Append(ch == ',' ? '.' : ch);
            }
            t = sb.ToString();
            if (t.StartsWith('\u2212')) t = "-" + t[1..];
        }
        var negative = t.StartsWith('-');
        var body = negative ? t[1..] : t;
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? body : body[..dot];
        var frac = dot < 0 ? "" : body[(dot + 1)..];
        if (whole.Length == 0 || (dot >= 0 && frac.Length == 0) || !whole.All(char.IsAsciiDigit) || !frac.All(char.IsAsciiDigit))
            return null;
        whole = whole.TrimStart('0');
        if (whole.Length == 0) whole = "0";
        var n = dot < 0 ? whole : whole + "." + frac;
        return negative && n.Any(x => x is >= '1' and <= '9') ? "-" + n : n;
    }

    /// <summary>A number in the written spelling, or null.</summary>
    public static decimal? ParseWritten(string text) =>
        Normalise(text, ValueSpelling.Written) is { } n && decimal.TryParse(n, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary><c>min-max</c> of vldType 2; a leading minus belongs to the number (<c>-5-5</c>).</summary>
    public static (decimal Min, decimal Max)? ParseRange(string range)
    {
        var r = range.Trim();
        var dash = r.Length > 1 ? r.IndexOf('-', 1) : -1;
        if (dash < 0)
            return null;
        return ParseWritten(r[..dash]) is { } min && ParseWritten(r[(dash + 1)..]) is { } max ? (min, max) : null;
    }
}
