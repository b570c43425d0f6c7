using ClosedXML.Excel;

namespace EKIS.Reporting.Infrastructure.Excel;

/// <summary>
/// The one rule for text that a spreadsheet could take for a formula («formula injection»): a value
/// that starts with <c>= + - @</c>, their full-width forms <c>＝ ＋ － ＠</c> (spreadsheets and input
/// methods fold them to the ASCII ones), or a tab or CR (which Excel skips before looking for the sign).
/// Every Excel writer writes text through <see cref="Set"/>; every import asks <see cref="RefusedOnImport"/>.
/// Numbers are never text: a writer puts them in number cells, and a negative number is not a formula.
/// </summary>
public static class ExcelText
{
    /// <summary>The built-in «Text» number format (@).</summary>
    private const int TextFormatId = 49;

    /// <summary>Whether <paramref name="text"/> begins the way a formula (or a DDE call) can begin.</summary>
    public static bool StartsLikeFormula(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '＝' or '＋' or '－' or '＠' or '\t' or '\r';

    /// <summary>
    /// Writes <paramref name="text"/> as a literal text cell. The value is a shared string, never a
    /// formula, so no program evaluates it on opening. The danger is afterwards: a person edits the cell
    /// (F2, Enter) or a file is saved as CSV, and the program parses the text again. So a formula-like
    /// value also gets (1) Excel's quote prefix — Excel shows it with an apostrophe in the formula bar and
    /// keeps it text when re-entered — and (2) the «Text» number format, under which both Excel and
    /// LibreOffice take whatever is typed into the cell as text. The value itself is not changed (no
    /// apostrophe or space is added): the export must import back unchanged.
    /// </summary>
    public static void Set(IXLCell cell, string text)
    {
        cell.SetValue(text);
        cell.DataType = XLDataType.Text;
        if (!StartsLikeFormula(text)) return;
        cell.Style.IncludeQuotePrefix = true;
        cell.Style.NumberFormat.NumberFormatId = TextFormatId;
    }

    /// <summary>
    /// For imports: whether a text value must be refused because a spreadsheet would run it. Values that
    /// start with <c>= @ ＝ ＠</c> are always refused. Values that start with <c>+ - ＋ －</c> are refused
    /// unless they hold nothing but digits, spaces and <c>+ - ( ) . ,</c> — a phone number
    /// («+7 (495) 000-00-00»), a signed number or a lone dash is data, while anything with a letter, a
    /// quote, <c>|</c> or <c>!</c> (<c>+HYPERLINK(…)</c>, <c>-2+3+cmd|' /C calc'!A0</c>) is what an attack looks like.
    /// </summary>
    public static bool RefusedOnImport(string text)
    {
        if (!StartsLikeFormula(text)) return false;
        if (text[0] is '=' or '@' or '＝' or '＠' or '\t' or '\r') return true;
        foreach (var ch in text.AsSpan(1))
            if (!(char.IsAsciiDigit(ch) || ch is ' ' or '+' or '-' or '(' or ')' or '.' or ',' or '＋' or '－'))
                return true;
        return false;
    }
}
