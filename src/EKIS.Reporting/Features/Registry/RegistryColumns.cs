using System.Globalization;
using System.Text;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// The registry's canonical columns (import, export, the card) with the header aliases people use,
/// and the vocabularies of kind, legal status, status and locality with their Russian names.
/// </summary>
public static class RegistryColumns
{
    public sealed record Column(string Name, string Title, IReadOnlyList<string> Aliases);

    public const string EkisCode = "ekis_code";
    public const string Name = "name";
    public const string ShortName = "short_name";
    public const string Kind = "kind";
    public const string LegalStatus = "legal_status";
    public const string ParentEkisCode = "parent_ekis_code";
    public const string Municipality = "municipality";
    public const string Inn = "inn";
    public const string Kpp = "kpp";
    public const string Ogrn = "ogrn";
    public const string Okpo = "okpo";
    public const string Oktmo = "oktmo";
    public const string Okfs = "okfs";
    public const string Okopf = "okopf";
    public const string Address = "address";
    public const string ActualAddress = "actual_address";
    public const string Urban = "urban";
    public const string Director = "director";
    public const string Phone = "phone";
    public const string Email = "email";
    public const string Website = "website";
    public const string Status = "status";
    public const string OpenedOn = "opened_on";
    public const string ClosedOn = "closed_on";
    public const string Groups = "groups";

    /// <summary>In the canonical order of the import header and the export.</summary>
    public static readonly IReadOnlyList<Column> All =
    [
        new(EkisCode, "Код ЕКИС", ["код екис", "код", "код оо", "екис"]),
        new(Name, "Полное наименование", ["наименование", "полное наименование", "название"]),
        new(ShortName, "Краткое наименование", ["краткое наименование", "сокращенное наименование", "краткое название"]),
        new(Kind, "Вид", ["вид", "вид оо", "тип", "тип оо", "вид организации"]),
        new(LegalStatus, "Правовой статус", ["правовой статус", "статус юрлица", "организационный статус"]),
        new(ParentEkisCode, "Код ЕКИС головной организации", ["код головной организации", "код екис головной организации", "головная организация", "родитель"]),
        new(Municipality, "Муниципальное образование", ["муниципальное образование", "муниципалитет", "муниципальный округ", "мо", "район"]),
        new(Inn, "ИНН", ["инн"]),
        new(Kpp, "КПП", ["кпп"]),
        new(Ogrn, "ОГРН", ["огрн"]),
        new(Okpo, "ОКПО", ["окпо"]),
        new(Oktmo, "ОКТМО", ["октмо"]),
        new(Okfs, "ОКФС", ["окфс"]),
        new(Okopf, "ОКОПФ", ["окопф"]),
        new(Address, "Юридический адрес", ["юридический адрес", "адрес"]),
        new(ActualAddress, "Фактический адрес", ["фактический адрес", "адрес фактический"]),
        new(Urban, "Городская/сельская местность", ["местность", "городская/сельская", "городская/сельская местность", "город/село", "тип местности"]),
        new(Director, "Руководитель", ["руководитель", "директор", "фио руководителя"]),
        new(Phone, "Телефон", ["телефон"]),
        new(Email, "Электронная почта", ["электронная почта", "эл. почта", "e-mail", "почта"]),
        new(Website, "Сайт", ["сайт", "веб-сайт", "адрес сайта"]),
        new(Status, "Статус", ["статус", "состояние"]),
        new(OpenedOn, "Дата открытия", ["дата открытия", "открыта"]),
        new(ClosedOn, "Дата закрытия", ["дата закрытия", "закрыта"]),
        new(Groups, "Группы", ["группы", "группы оо"]),
    ];

    private static readonly Dictionary<string, string> ByHeader = BuildHeaderIndex();

    /// <summary>The canonical column a header cell names (canonical name, Russian title or an alias), or null.</summary>
    public static string? Resolve(string header)
    {
        var key = NormaliseHeader(header);
        return ByHeader.GetValueOrDefault(key);
    }

    public static string Title(string column) => All.First(c => c.Name == column).Title;

    private static Dictionary<string, string> BuildHeaderIndex()
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in All)
        {
            index[NormaliseHeader(c.Name)] = c.Name;
            index[NormaliseHeader(c.Title)] = c.Name;
            foreach (var a in c.Aliases) index[NormaliseHeader(a)] = c.Name;
        }
        return index;
    }

    /// <summary>Case, «ё», extra spaces, a trailing «*» or «:» and a BOM do not matter in a header.</summary>
    public static string NormaliseHeader(string header)
    {
        var s = header.Trim().Trim('\uFEFF').TrimEnd('*', ':').Trim().ToLowerInvariant().Replace('ё', 'е');
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var ch in s)
        {
            if (char.IsWhiteSpace(ch)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(ch);
        }
        return sb.ToString();
    }

    // ---- vocabularies: English key -> Russian name; both are accepted on import ----

    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["preschool"] = "дошкольная",
        ["general"] = "общеобразовательная",
        ["additional"] = "дополнительного образования",
        ["vocational"] = "профессиональная",
        ["other"] = "иная",
    };

    private static readonly Dictionary<string, string> KindSynonyms = new()
    {
        ["дошкольное образование"] = "preschool", ["доо"] = "preschool", ["детский сад"] = "preschool",
        ["общее образование"] = "general", ["школа"] = "general", ["оо"] = "general",
        ["дополнительное образование"] = "additional", ["удо"] = "additional", ["до"] = "additional",
        ["профессиональное образование"] = "vocational", ["спо"] = "vocational", ["поо"] = "vocational",
        ["другая"] = "other", ["прочая"] = "other",
    };

    public static readonly IReadOnlyDictionary<string, string> LegalStatuses = new Dictionary<string, string>
    {
        ["legal_entity"] = "юридическое лицо",
        ["branch"] = "филиал",
        ["structural_unit"] = "структурное подразделение",
    };

    private static readonly Dictionary<string, string> LegalStatusSynonyms = new()
    {
        ["юрлицо"] = "legal_entity", ["юл"] = "legal_entity", ["организация"] = "legal_entity",
        ["обособленное подразделение"] = "branch", ["сп"] = "structural_unit",
    };

    public static readonly IReadOnlyDictionary<string, string> Statuses = new Dictionary<string, string>
    {
        ["active"] = "действующая",
        ["reorganising"] = "в процессе реорганизации",
        ["closed"] = "закрыта",
    };

    private static readonly Dictionary<string, string> StatusSynonyms = new()
    {
        ["действует"] = "active", ["работает"] = "active", ["реорганизация"] = "reorganising",
        ["реорганизуется"] = "reorganising", ["закрыто"] = "closed", ["закрыт"] = "closed", ["ликвидирована"] = "closed",
    };

    public static string? ParseKind(string value) => Parse(value, Kinds, KindSynonyms);
    public static string? ParseLegalStatus(string value) => Parse(value, LegalStatuses, LegalStatusSynonyms);
    public static string? ParseStatus(string value) => Parse(value, Statuses, StatusSynonyms);

    /// <summary>true: urban, false: rural, null: not recognised.</summary>
    public static bool? ParseUrban(string value) => NormaliseHeader(value) switch
    {
        "urban" or "городская" or "городская местность" or "город" or "городской" or "г" => true,
        "rural" or "сельская" or "сельская местность" or "село" or "сельский" or "с" => false,
        _ => null,
    };

    public static string UrbanName(bool urban) => urban ? "городская" : "сельская";

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd.MM.yyyy", "d.M.yyyy", "dd/MM/yyyy"];

    public static DateOnly? ParseDate(string value) =>
        DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    public static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Describe(IReadOnlyDictionary<string, string> vocabulary) =>
        string.Join(", ", vocabulary.Select(kv => $"{kv.Key} ({kv.Value})"));

    private static string? Parse(string value, IReadOnlyDictionary<string, string> vocabulary, Dictionary<string, string> synonyms)
    {
        var key = NormaliseHeader(value);
        if (vocabulary.ContainsKey(key)) return key;
        foreach (var (k, name) in vocabulary)
            if (NormaliseHeader(name) == key) return k;
        return synonyms.GetValueOrDefault(key);
    }
}
