namespace EKIS.Reporting.Infrastructure.Actors;

/// <summary>
/// What a person reads where an author is shown (review history, value history, comments, registry
/// history, proposals, respondents, accounts, the security log): a person's name stays as it is, a
/// system actor is «Система (…)» in words, an unresolved person key is «Пользователь № N». Queries
/// join a person's name in place of <c>user:&lt;id&gt;</c> (<c>coalesce(u.full_name, x.actor)</c>) and pass
/// the result here; never print an actor key straight onto a page.
/// </summary>
public static class ActorNames
{
    private static readonly Dictionary<string, string> SystemTitles = new(StringComparer.Ordinal)
    {
        ["startup"] = "начальная загрузка",
        ["cli"] = "командная строка",
        ["jobs"] = "фоновые задания",
    };

    /// <summary>A stored actor key (<c>system:cli</c>, <c>user:42</c>) or an already joined name, for display.</summary>
    public static string Display(string? actorOrName)
    {
        if (string.IsNullOrWhiteSpace(actorOrName)) return "—";
        if (actorOrName.StartsWith("system:", StringComparison.Ordinal)) return System(actorOrName["system:".Length..]);
        if (actorOrName.StartsWith("user:", StringComparison.Ordinal) && long.TryParse(actorOrName.AsSpan("user:".Length),
                global::System.Globalization.NumberStyles.None, global::System.Globalization.CultureInfo.InvariantCulture, out var id))
            return $"Пользователь № {id}";
        return actorOrName;
    }

    /// <summary>A system actor by its name: «Система (командная строка)»; an unknown name is shown as it is.</summary>
    public static string System(string name) => $"Система ({SystemTitles.GetValueOrDefault(name, name)})";
}
