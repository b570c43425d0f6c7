namespace EKIS.Reporting.Templates.Model;

/// <summary>
/// Rosstat codes (sections, rows, columns, dictionary terms) compare numerically when they are
/// numeric: "01" and "1" are the same row. Letter codes (А, Б, В…) compare case-insensitively.
/// Every lookup goes through <see cref="Key"/>; the original spelling is kept for output.
/// </summary>
public static class Codes
{
    public static string Key(string? code)
    {
        var s = (code ?? "").Trim();
        if (s.Length == 0)
            return s;
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
                return s.ToUpperInvariant();
        }
        var trimmed = s.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    public static bool Same(string? a, string? b) => string.Equals(Key(a), Key(b), StringComparison.Ordinal);

    public static bool IsNumeric(string code) => code.Length > 0 && code.All(c => c is >= '0' and <= '9');

    /// <summary>
    /// Orders two numeric codes by value without converting them to a number, so a code of any
    /// length compares correctly and nothing can overflow.
    /// </summary>
    public static int CompareNumeric(string a, string b)
    {
        var x = Key(a);
        var y = Key(b);
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
    }
}
