using System.Globalization;

namespace EKIS.Reporting.Templates;

/// <summary>Who a form's report finally goes to.</summary>
public enum FormReceiver
{
    /// <summary>The education ministry's collection cabinet (ОО-1).</summary>
    MinistryCabinet,

    /// <summary>The territorial body of Rosstat (85-К, 1-ДОП).</summary>
    Rosstat,

    /// <summary>The regional education department itself (its own forms).</summary>
    Department,
}

/// <summary>How a form names its period in words people use.</summary>
public enum PeriodNaming
{
    /// <summary>A snapshot at the start of a school year: «на начало 2026/27 учебного года».</summary>
    SchoolYearStart,

    /// <summary>A calendar year: «за 2026 год».</summary>
    Annual,

    /// <summary>A month: «за ноябрь 2026 года».</summary>
    Monthly,
}

/// <summary>Whether a source was found that states the form's ОКУД code.</summary>
public enum OkudState
{
    Confirmed,
    NotConfirmed,

    /// <summary>A department's own code, outside the ОКУД classifier.</summary>
    Departmental,
}

/// <summary>One form as people name it, keyed by its ОКУД code (template files keep Rosstat's names).</summary>
public sealed record FormInfo(
    string Okud,
    string ShortName,
    FormReceiver Receiver,
    string ReceiverName,
    PeriodNaming Naming,
    OkudState OkudState,
    string OkudNote)
{
    private static readonly string[] Months =
        ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"];

    /// <summary>
    /// The period in words, from a report's <c>year</c> and <c>period</c> attributes. The period is
    /// "periodicity + number" (<c>1211</c>) or the number alone (<c>11</c>); only monthly forms read it.
    /// A school-year form's year is the year the school year starts (its reference date, 20 September).
    /// A period that names no month gives a plain wording with the code rather than an exception,
    /// so a page never fails on a malformed report header.
    /// </summary>
    public string PeriodName(int year, string? period = null)
    {
        var y = year.ToString(CultureInfo.InvariantCulture);
        return Naming switch
        {
            PeriodNaming.SchoolYearStart => $"на начало {y}/{((year + 1) % 100).ToString("00", CultureInfo.InvariantCulture)} учебного года",
            PeriodNaming.Annual => $"за {y} год",
            _ => MonthOf(period) is { } m ? $"за {Months[m - 1]} {y} года" : $"за период «{period}» {y} года",
        };
    }

    /// <summary>The name of one report: «ОО-1 на начало 2026/27 учебного года», «85-К за 2026 год».</summary>
    public string Title(int year, string? period = null) => $"{ShortName} {PeriodName(year, period)}";

    private static int? MonthOf(string? period)
    {
        if (string.IsNullOrEmpty(period) || period.Length > 4 || !period.All(char.IsAsciiDigit))
            return null;
        // "1211": periodicity 12, month 11; "11" or "011": the month alone.
        if (period.Length == 4 && !period.StartsWith("12", StringComparison.Ordinal))
            return null;
        var number = int.Parse(period.Length == 4 ? period[2..] : period, CultureInfo.InvariantCulture);
        return number is >= 1 and <= 12 ? number : null;
    }
}

/// <summary>
/// The forms the system knows, keyed by ОКУД (issue 12). The ОКУД state repeats the table in
/// templates/forms/README.md: a code no reachable source confirms is shown as such, never as fact.
/// </summary>
public static class FormCatalogue
{
    private const string NotConfirmedNote = "не подтверждён источником: ни один доступный текст приказа или классификатора его не называет";

    public static IReadOnlyList<FormInfo> All { get; } =
    [
        new("0609521", "ОО-1", FormReceiver.MinistryCabinet, "Минпросвещения России (личный кабинет сбора отчётности)",
            PeriodNaming.SchoolYearStart, OkudState.NotConfirmed, NotConfirmedNote),
        new("0609506", "85-К", FormReceiver.Rosstat, "Территориальный орган Росстата",
            PeriodNaming.Annual, OkudState.NotConfirmed, NotConfirmedNote),
        new("0609560", "1-ДОП", FormReceiver.Rosstat, "Территориальный орган Росстата",
            PeriodNaming.Annual, OkudState.NotConfirmed, NotConfirmedNote),
        new("9990001", "Контингент", FormReceiver.Department, "Департамент образования",
            PeriodNaming.Monthly, OkudState.Departmental, "ведомственный код департамента, не ОКУД"),
    ];

    /// <summary>The form with this ОКУД code; leading zeros do not matter ("609521" finds "0609521").</summary>
    public static FormInfo? Find(string okud)
    {
        var key = okud.TrimStart('0');
        return All.FirstOrDefault(f => f.Okud.TrimStart('0') == key);
    }

    /// <summary>
    /// The form of a template code (ОКУД without leading zeros + idf + idp, three digits each),
    /// e.g. 609521001001 → ОО-1.
    /// </summary>
    public static FormInfo? FindByTemplateCode(string templateCode) =>
        templateCode.Length > 6 && templateCode.All(char.IsAsciiDigit) ? Find(templateCode[..^6]) : null;
}
