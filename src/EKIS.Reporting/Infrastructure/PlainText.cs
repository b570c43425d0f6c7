namespace EKIS.Reporting.Infrastructure;

/// <summary>
/// What text that people type may contain — one rule for the request contract of the web app and for
/// the slices that store such text.
/// </summary>
public static class PlainText
{
    /// <summary>
    /// Whether PostgreSQL can store the text at all: <c>text</c> and <c>jsonb</c> refuse the NUL character,
    /// and an unpaired UTF-16 surrogate has no UTF-8 form (the driver fails on it).
    /// </summary>
    public static bool IsStorable(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>
    /// Whether a one-line value (a name, a phone number) holds anything but printable text: control
    /// characters (C0 with tab and line breaks, DEL, C1) or characters that cannot be stored.
    /// </summary>
    public static bool HasControlCharacters(string s) => !IsStorable(s) || s.Any(char.IsControl);
}
