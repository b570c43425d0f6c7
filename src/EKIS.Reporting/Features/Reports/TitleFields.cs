using System.Text.Json;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Templates.Model;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// The title block of a report, defined once: the entry page renders its inputs from it and the save
/// enforces it. The fields are the template's title items; each has its label, a maximum length (the
/// inputs' <c>maxlength</c>), an input type, and a source — typed by the school, or taken from the
/// registry (ОКПО, the full name, and the director's name when the registry has one). Keys are the
/// template's spelling; a key in another case means the same field and is stored under the template's key.
/// </summary>
public static class TitleFields
{
    /// <summary>What a title input takes unless a field says otherwise.</summary>
    public const int DefaultMaxLength = 250;

    public sealed record Field(string Key, string Label, int MaxLength, bool FromRegistry, string InputType)
    {
        public bool Editable => !FromRegistry;
    }

    /// <summary>What the registry says about the respondent, for the fields it fills.</summary>
    public sealed record Registry(string? Okpo, string? Name, string? Director);

    // ОКПО and the name always come from the registry; the director's name only when the registry has one
    // (a school without one types it in the title).
    private static readonly HashSet<string> AlwaysFromRegistry = new(StringComparer.OrdinalIgnoreCase) { "okpo", "name" };

    private static string? RegistryValue(string key, Registry registry) => key.ToLowerInvariant() switch
    {
        "okpo" => registry.Okpo,
        "name" => registry.Name,
        "leader_fio" => registry.Director,
        _ => null,
    } is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    private static string InputType(string key) => key.ToLowerInvariant() switch
    {
        "email" => "email",
        "phone" => "tel",
        _ => "text",
    };

    /// <summary>The title fields of a report made with <paramref name="template"/> for a respondent the registry describes so.</summary>
    public static IReadOnlyList<Field> Of(FormTemplate template, Registry registry) =>
        template.Title.Select(f => new Field(f.Field, f.Name, DefaultMaxLength,
            AlwaysFromRegistry.Contains(f.Field) || RegistryValue(f.Field, registry) is not null, InputType(f.Field))).ToList();

    /// <summary>
    /// The stored title reduced to the form's fields under their own keys. Anything else — an unknown key,
    /// a key spelled in another case beside the real one, written before the server enforced the fields —
    /// is dropped, so it is neither shown nor carried on.
    /// </summary>
    public static Dictionary<string, string> Known(IReadOnlyList<Field> fields, string storedJson)
    {
        var stored = JsonSerializer.Deserialize<Dictionary<string, string?>>(storedJson) ?? [];
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in fields)
            if (stored.TryGetValue(f.Key, out var v) && v is not null) known[f.Key] = v;
        return known;
    }

    /// <summary>What the title shows (entry page, print view, checks): the known fields, and for a field from the registry the registry's value.</summary>
    public static IReadOnlyDictionary<string, string> Shown(IReadOnlyList<Field> fields, string storedJson, Registry registry)
    {
        var shown = Known(fields, storedJson);
        foreach (var f in fields)
            if (f.FromRegistry && RegistryValue(f.Key, registry) is { } v) shown[f.Key] = v;
        return shown;
    }

    /// <summary>
    /// Applies typed values to <paramref name="title"/> under the template's keys, trimmed; null when every
    /// one was taken, else the Russian reason the first refused one was not (and <paramref name="title"/>
    /// must then be dropped): a field the form does not have, one from the registry, the same field twice,
    /// no value, control characters, longer than the field's maximum.
    /// </summary>
    public static string? Apply(IReadOnlyList<Field> fields, IReadOnlyDictionary<string, string> typed, IDictionary<string, string> title)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, raw) in typed)
        {
            var field = fields.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase));
            if (field is null) return $"Поля титула «{key}» нет в форме.";
            if (field.FromRegistry)
                return $"Поле титула «{field.Label}» заполняется из реестра организаций и на странице не меняется.";
            if (!seen.TryAdd(field.Key, key))
                return $"Поле титула «{field.Label}» указано дважды («{seen[field.Key]}» и «{key}»).";
            if (raw is null) return $"Для поля титула «{field.Label}» не указано значение.";
            var value = raw.Trim();
            if (PlainText.HasControlCharacters(value))
                return $"Поле титула «{field.Label}» содержит управляющие символы (табуляцию, перевод строки и т. п.): оставьте только текст.";
            if (value.Length > field.MaxLength)
                return $"Поле титула «{field.Label}» длиннее {field.MaxLength} символов ({value.Length}).";
            title[field.Key] = value;
        }
        return null;
    }
}
