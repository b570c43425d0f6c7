using System.Globalization;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Time;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>What the move, close and merge forms share: the effective date and the words for the outcome.</summary>
public static class ReorganisationForm
{
    /// <summary>The value of a date input: the region's today as the browser's date field expects it.</summary>
    public static string Today(RegionClock clock) => clock.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The date from the form (the date field's ГГГГ-ММ-ДД or a typed ДД.ММ.ГГГГ), or a Russian message.</summary>
    public static (DateOnly? Date, string? Error) ParseDate(string? value, string what, DateOnly? notBefore)
    {
        if (string.IsNullOrWhiteSpace(value)) return (null, $"Укажите дату, с которой действует {what}.");
        if (RegistryColumns.ParseDate(value.Trim()) is not { } date)
            return (null, $"Дата «{value.Trim()}» не распознана: укажите ДД.ММ.ГГГГ.");
        if (notBefore is { } opened && date < opened)
            return (null, $"Дата раньше даты открытия организации ({opened.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)}).");
        return (date, null);
    }

    public static string Done(string? done) => done switch
    {
        "move" => "Организация перенесена в другое муниципальное образование.",
        "close" => "Организация закрыта.",
        "merge" => "Организация присоединена и закрыта.",
        _ => "",
    };

    /// <summary>The history's reason in Russian.</summary>
    public static string Reason(string? reason) => reason switch
    {
        "import" => "импорт",
        "card" => "карточка",
        "move" => "перенос",
        "close" => "закрытие",
        "merge" => "присоединение",
        _ => reason ?? "",
    };
}
