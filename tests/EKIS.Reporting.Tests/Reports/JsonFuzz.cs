using System.Text;
using System.Text.Json.Nodes;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>
/// Malformed variants of one valid JSON request body, generated systematically (issue 10, point 5):
/// for every member of every object (array elements included) — removed, set to null, set to each JSON
/// type it does not have, repeated under a name that differs only in case, given characters PostgreSQL
/// cannot store — plus an unknown member in every object, and breakage of the text itself. The contract
/// is spelled here, independently of the code under test: which members may be left out, which may be null,
/// which objects are free-form maps. Paths name array elements <c>cells[]</c> and map entries <c>title.*</c>.
/// </summary>
public sealed class JsonFuzz(JsonObject valid)
{
    public sealed record Variant(string Name, byte[] Body, string? ContentType = "application/json")
    {
        public override string ToString() => Name;
    }

    /// <summary>Members a valid body may leave out.</summary>
    public IReadOnlySet<string> Optional { get; init; } = new HashSet<string>();

    /// <summary>Members that may be null.</summary>
    public IReadOnlySet<string> Nullable { get; init; } = new HashSet<string>();

    /// <summary>Objects whose member names are data (title fields), not a fixed set: an extra name is not a shape error.</summary>
    public IReadOnlySet<string> Maps { get; init; } = new HashSet<string>();

    private static readonly (string Kind, Func<JsonNode?> Make)[] Values =
    [
        ("integer", () => JsonValue.Create(1)),
        ("fraction", () => JsonValue.Create(1.5)),
        ("string", () => JsonValue.Create("7")),
        ("true", () => JsonValue.Create(true)),
        ("false", () => JsonValue.Create(false)),
        ("object", () => new JsonObject()),
        ("array", () => new JsonArray()),
    ];

    /// <summary>Every malformed variant: the member mutations first, then the structural ones.</summary>
    public IEnumerable<Variant> Malformed() => Members().Concat(Structure());

    /// <summary>Variants that only use the contract's freedoms (optional members left out, nullable ones null): never a 400.</summary>
    public IEnumerable<Variant> Allowed()
    {
        foreach (var (path, generic, _) in Walk(valid, [], ""))
        {
            if (path.Count == 0 || path[^1] is int) continue;
            if (Optional.Contains(generic)) yield return Mutate($"{generic}: left out", path, (o, k) => o.Remove(k));
            if (Nullable.Contains(generic)) yield return Mutate($"{generic}: null", path, (o, k) => o[k] = null);
        }
    }

    private IEnumerable<Variant> Members()
    {
        foreach (var (path, generic, node) in Walk(valid, [], ""))
        {
            if (path.Count > 0)
            {
                var kind = KindOf(node);
                if (path[^1] is string)
                {
                    if (!Optional.Contains(generic)) yield return Mutate($"{generic}: missing", path, (o, k) => o.Remove(k));
                    if (!Nullable.Contains(generic)) yield return Mutate($"{generic}: null", path, (o, k) => o[k] = null);
                    yield return Mutate($"{generic}: repeated as «{OtherCase(LastName(path))}»", path, (o, k) => o[OtherCase(k)] = o[k]!.DeepClone());
                }
                else
                {
                    yield return Replace($"{generic}: null element", path, null);
                }
                foreach (var (other, make) in Values.Where(v => !Compatible(kind, v.Kind)))
                    yield return Replace($"{generic}: {other} instead of {kind}", path, make());
                if (kind == "string")
                {
                    yield return Replace($"{generic}: a NUL character", path, JsonValue.Create("a\u0000b"));
                    yield return Raw($"{generic}: an unpaired surrogate", path, "\"\\ud800x\"");
                    yield return Raw($"{generic}: bytes that are not UTF-8", path, [(byte)'"', 0xC3, 0x28, (byte)'"']);
                }
            }
            if (node is JsonObject && !Maps.Contains(generic))
                yield return Mutate($"{(generic.Length == 0 ? "root" : generic)}: unknown member", path, null, extra: true);
        }
    }

    /// <summary>Breakage of the text, the type and the size of the body.</summary>
    private IEnumerable<Variant> Structure()
    {
        var text = valid.ToJsonString();
        Variant V(string name, string body, string? type = "application/json") => new(name, Encoding.UTF8.GetBytes(body), type);
        yield return V("empty body", "");
        yield return V("whitespace only", "   ");
        yield return V("JSON null", "null");
        yield return V("an array instead of an object", "[" + text + "]");
        yield return V("a string instead of an object", "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
        yield return V("a number instead of an object", "42");
        yield return V("true instead of an object", "true");
        for (var i = 1; i < 8; i++) yield return V($"cut after {i * text.Length / 8} of {text.Length} characters", text[..(i * text.Length / 8)]);
        yield return V("trailing garbage", text + "x");
        yield return V("a second document", text + text);
        yield return V("a trailing comma", text[..^1] + ",}");
        yield return V("a comment", "/* note */" + text);
        yield return V("single quotes", text.Replace('"', '\''));
        yield return V("NaN", "{\"" + FirstName + "\":NaN," + text[1..]);
        yield return V("the same name twice, same case", "{" + "\"" + FirstName + "\":" + valid[FirstName]!.ToJsonString() + "," + text[1..]);
        yield return V("nesting 200 levels deep", text[..^1] + ",\"deep\":" + new string('[', 200) + new string(']', 200) + "}");
        yield return new Variant("invalid UTF-8", [.. Encoding.UTF8.GetBytes(text[..^1] + ",\"x\":\""), 0xC3, 0x28, .. "\"}"u8.ToArray()]);
        yield return V("text/plain", text, "text/plain");
        yield return V("a form instead of JSON", "rowVersion=1", "application/x-www-form-urlencoded");
        yield return V("XML", "<save/>", "application/xml");
        yield return V("no content type", text, null);
    }

    private string FirstName => valid.First().Key;

    private IEnumerable<(List<object> Path, string Generic, JsonNode? Node)> Walk(JsonNode? node, List<object> path, string generic)
    {
        yield return (path, generic, node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                    foreach (var x in Walk(v, [.. path, k], generic.Length == 0 ? k : generic + "." + (Maps.Contains(generic) ? "*" : k))) yield return x;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    foreach (var x in Walk(a[i], [.. path, i], generic + "[]")) yield return x;
                break;
        }
    }

    private static string LastName(List<object> path) => (string)path[^1];

    private Variant Mutate(string name, List<object> path, Action<JsonObject, string>? change, bool extra = false)
    {
        var copy = valid.DeepClone().AsObject();
        if (extra)
        {
            var target = path.Count == 0 ? copy : Navigate(copy, path)!.AsObject();
            target["unexpected"] = 1;
        }
        else
        {
            var parent = Navigate(copy, path[..^1])!.AsObject();
            change!(parent, (string)path[^1]);
        }
        return new Variant(name, Encoding.UTF8.GetBytes(copy.ToJsonString()));
    }

    private Variant Replace(string name, List<object> path, JsonNode? value)
    {
        var copy = valid.DeepClone().AsObject();
        Set(copy, path, value);
        return new Variant(name, Encoding.UTF8.GetBytes(copy.ToJsonString()));
    }

    /// <summary>A value written as raw JSON text (an escape the node model would not produce).</summary>
    private Variant Raw(string name, List<object> path, string rawJson) => Raw(name, path, Encoding.UTF8.GetBytes(rawJson));

    private Variant Raw(string name, List<object> path, byte[] rawJson)
    {
        const string marker = "\"@@raw-value@@\"";
        var copy = valid.DeepClone().AsObject();
        Set(copy, path, JsonValue.Create(marker[1..^1]));
        var text = copy.ToJsonString();
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return new Variant(name, [.. Encoding.UTF8.GetBytes(text[..at]), .. rawJson, .. Encoding.UTF8.GetBytes(text[(at + marker.Length)..])]);
    }

    private static void Set(JsonObject root, List<object> path, JsonNode? value)
    {
        var parent = Navigate(root, path[..^1])!;
        if (path[^1] is string k) parent.AsObject()[k] = value;
        else parent.AsArray()[(int)path[^1]] = value;
    }

    private static JsonNode? Navigate(JsonNode root, List<object> path)
    {
        var node = root;
        foreach (var step in path) node = step is string k ? node!.AsObject()[k] : node!.AsArray()[(int)step];
        return node;
    }

    private static string KindOf(JsonNode? node) => node?.GetValueKind() switch
    {
        null or System.Text.Json.JsonValueKind.Null => "null",
        System.Text.Json.JsonValueKind.Object => "object",
        System.Text.Json.JsonValueKind.Array => "array",
        System.Text.Json.JsonValueKind.String => "string",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
        _ => node.ToJsonString().All(char.IsAsciiDigit) ? "integer" : "number",
    };

    private static bool Compatible(string kind, string candidate) => (kind, candidate) switch
    {
        ("boolean", "true" or "false") => true,
        ("number", "integer" or "fraction") => true,
        _ => kind == candidate,
    };

    /// <summary>The same name in another case: «rowVersion» → «RowVersion», «Title» → «title».</summary>
    private static string OtherCase(string name) =>
        char.IsLower(name[0]) ? char.ToUpperInvariant(name[0]) + name[1..] : char.ToLowerInvariant(name[0]) + name[1..];
}
