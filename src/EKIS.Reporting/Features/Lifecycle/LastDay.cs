namespace EKIS.Reporting.Features.Lifecycle;

/// <summary>
/// The last day a respondent may still edit and send, and the rules for the dates a reviewer sets.
/// SQL twin: <c>ekis.report_last_day(due, extension, resubmit)</c> (migration 0017) for whole campaigns.
/// </summary>
public static class LastDay
{
    /// <summary>
    /// Whichever of the due date, the extension and the resubmission date of a return or reopening is
    /// latest (an earlier resubmission date does not shorten the due date).
    /// </summary>
    public static DateOnly Of(DateOnly due, DateOnly? extensionUntil, DateOnly? resubmitUntil) =>
        new[] { due, extensionUntil ?? due, resubmitUntil ?? due }.Max();

    /// <summary>Whether the respondent may still edit or send on <paramref name="today"/>.</summary>
    public static bool Allows(DateOnly lastDay, DateOnly today) => today <= lastDay;

    /// <summary>The resubmission date a return or a reopening gets when the reviewer sets none.</summary>
    public static DateOnly DefaultResubmitUntil(DateOnly today, ReviewOptions options) => today.AddDays(options.ResubmitDays);

    /// <summary>The date a reviewer offers for a new extension: a few days after the current last day, never in the past.</summary>
    public static DateOnly SuggestedExtension(DateOnly lastDay, DateOnly today, ReviewOptions options) =>
        (lastDay < today ? today : lastDay).AddDays(options.ResubmitDays);

    public const string ResubmitInPast = "Дата повторной сдачи не может быть в прошлом.";
    public const string ExtensionInPast = "Новый срок не может быть в прошлом.";
}
