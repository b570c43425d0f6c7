using System.Globalization;
using System.Text.Json;
using EKIS.Reporting.Infrastructure;

namespace EKIS.Reporting.Web.Infrastructure;

/// <summary>
/// The shape a JSON request body must have: every member named with its JSON type, whether it may be
/// left out and whether it may be null; lists and maps with a maximum size. Names are matched without
/// case, as the serializer binds them — so the same name twice in another case is refused instead of one
/// silently winning — and a member the shape does not name is refused instead of ignored.
/// </summary>
public abstract record JsonShape
{
    /// <summary>A string PostgreSQL can store (<see cref="PlainText.IsStorable"/>).</summary>
    public sealed record Text : JsonShape;

    public sealed record Integer(long Min, long Max) : JsonShape;

    public sealed record ArrayOf(JsonShape Items, int MaxItems) : JsonShape;

    public sealed record ObjectOf(params Member[] Members) : JsonShape;

    /// <summary>An object whose names are data (title fields): any name, each once, at most <paramref name="MaxEntries"/>.</summary>
    public sealed record MapOf(JsonShape Values, int MaxEntries) : JsonShape;

    public sealed record Member(string Name, JsonShape Shape, bool Required = true, bool Nullable = false);
}

/// <summary>
/// Reads a JSON request body against its <see cref="JsonShape"/> before anything is bound or written —
/// one gate for every JSON endpoint, so a malformed body is a 400 with a Russian message saying what is
/// wrong and where (<c>cells[3].value</c>) instead of a crash deep in a handler: the content type, the
/// size, the syntax, then the shape. Only a body that passed is deserialized.
/// </summary>
public static class JsonBody
{
    public sealed record Result<T>(T? Value, string? Problem) where T : class;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, JsonShape.ObjectOf shape, int maxBytes, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
            return Refused<T>("ожидается тело в формате JSON (Content-Type: application/json)");
        var bytes = await ReadLimitedAsync(request.Body, maxBytes, ct);
        if (bytes is null) return Refused<T>($"тело запроса больше {maxBytes / 1024} КБ");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Refused<T>(e.LineNumber is { } line && e.BytePositionInLine is { } position
                ? $"тело не является корректным JSON (строка {line + 1}, позиция {position + 1})"
                : "тело не является корректным JSON");
        }
        using (document)
        {
            if (Check(document.RootElement, shape, "") is { } problem) return Refused<T>(problem);
            return new Result<T>(document.RootElement.Deserialize<T>(Options), null);
        }
    }

    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Result<T> Refused<T>(string problem) where T : class => new(null, $"Запрос не распознан: {problem}.");

    private static string? Check(JsonElement e, JsonShape shape, string path)
    {
        var name = path.Length == 0 ? "тело запроса" : $"поле «{path}»";
        switch (shape)
        {
            case JsonShape.Text:
                if (e.ValueKind != JsonValueKind.String) return $"{name} должно быть строкой, а не {KindOf(e)}";
                return Storable(e) ? null : $"{name} содержит недопустимые символы (символ с кодом 0, неполную пару UTF-16 или байты не в UTF-8)";
            case JsonShape.Integer(var min, var max):
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var n) || n < min || n > max)
                    return $"{name} должно быть целым числом от {min.ToString(CultureInfo.InvariantCulture)} до {max.ToString(CultureInfo.InvariantCulture)}" +
                           (e.ValueKind == JsonValueKind.Number ? "" : $", а не {KindOf(e)}");
                return null;
            case JsonShape.ArrayOf(var items, var maxItems):
                if (e.ValueKind != JsonValueKind.Array) return $"{name} должно быть массивом, а не {KindOf(e)}";
                if (e.GetArrayLength() > maxItems) return $"в {(path.Length == 0 ? "теле запроса" : $"«{path}»")} больше {maxItems.ToString("N0", WebRegistration.Russian)} элементов";
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    var itemPath = $"{path}[{i++}]";
                    if (item.ValueKind == JsonValueKind.Null) return $"элемент «{itemPath}» не может быть null";
                    if (Check(item, items, itemPath) is { } problem) return problem;
                }
                return null;
            case JsonShape.ObjectOf(var members):
            {
                if (e.ValueKind != JsonValueKind.Object) return $"{name} должно быть объектом, а не {KindOf(e)}";
                if (Names(e, path) is { } namesProblem) return namesProblem;
                foreach (var p in e.EnumerateObject())
                    if (!members.Any(m => Same(m.Name, p.Name))) return $"неизвестное поле «{Join(path, p.Name)}»";
                foreach (var m in members)
                {
                    var memberPath = Join(path, m.Name);
                    var present = e.EnumerateObject().Where(p => Same(m.Name, p.Name)).Select(p => (JsonElement?)p.Value).FirstOrDefault();
                    if (present is not { } value)
                    {
                        if (m.Required) return $"нет обязательного поля «{memberPath}»";
                        continue;
                    }
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        if (!m.Nullable) return $"поле «{memberPath}» не может быть null";
                        continue;
                    }
                    if (Check(value, m.Shape, memberPath) is { } problem) return problem;
                }
                return null;
            }
            case JsonShape.MapOf(var values, var maxEntries):
            {
                if (e.ValueKind != JsonValueKind.Object) return $"{name} должно быть объектом, а не {KindOf(e)}";
                if (Names(e, path) is { } namesProblem) return namesProblem;
                if (e.EnumerateObject().Count() > maxEntries) return $"в «{path}» больше {maxEntries} полей";
                foreach (var p in e.EnumerateObject())
                {
                    var entryPath = Join(path, p.Name);
                    if (p.Value.ValueKind == JsonValueKind.Null) return $"поле «{entryPath}» не может быть null";
                    if (Check(p.Value, values, entryPath) is { } problem) return problem;
                }
                return null;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, "unknown JSON shape");
        }
    }

    /// <summary>Every name readable and storable, none twice (without regard to case).</summary>
    private static string? Names(JsonElement e, string path)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in e.EnumerateObject())
        {
            string pName;
            try
            {
                pName = p.Name;
            }
            catch (InvalidOperationException)
            {
                return $"имя поля в {(path.Length == 0 ? "теле запроса" : $"«{path}»")} содержит байты не в UTF-8";
            }
            if (!PlainText.IsStorable(pName)) return $"имя поля в {(path.Length == 0 ? "теле запроса" : $"«{path}»")} содержит недопустимые символы";
            if (!seen.Add(pName)) return $"поле «{Join(path, pName)}» указано дважды (имена полей не различаются по регистру)";
        }
        return null;
    }

    private static bool Storable(JsonElement e)
    {
        try
        {
            return PlainText.IsStorable(e.GetString()!);
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 or an escaped unpaired surrogate: the reader refuses to make a string of it.
            return false;
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string KindOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "строкой",
        JsonValueKind.Number => "числом",
        JsonValueKind.True or JsonValueKind.False => "логическим значением",
        JsonValueKind.Array => "массивом",
        JsonValueKind.Object => "объектом",
        _ => "null",
    };
}
