namespace EKIS.Reporting.Infrastructure.Actors;

/// <summary>
/// The author of a change: a signed-in person or a named system actor (the CLI, a job).
/// Its <see cref="Key"/> is what the database records in every "who" column and audit row.
/// </summary>
public sealed record Actor
{
    private Actor(string kind, string id, string displayName)
    {
        Kind = kind;
        Id = id;
        DisplayName = displayName;
    }

    public string Kind { get; }
    public string Id { get; }
    public string DisplayName { get; }

    /// <summary>Stable textual form stored by the database, e.g. <c>user:42</c> or <c>system:cli</c>.</summary>
    public string Key => $"{Kind}:{Id}";

    public bool IsSystem => Kind == "system";

    public static Actor User(long userId, string displayName) =>
        new("user", userId.ToString(global::System.Globalization.CultureInfo.InvariantCulture), displayName);

    public static Actor System(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
            throw new ArgumentException("A system actor name is a short ASCII identifier, e.g. 'cli' or 'jobs'.", nameof(name));
        return new("system", name, ActorNames.System(name));
    }

    public static readonly Actor Cli = System("cli");
    public static readonly Actor Jobs = System("jobs");
    public static readonly Actor Startup = System("startup");

    public override string ToString() => Key;
}

/// <summary>Who is acting in the current scope (request, job, command).</summary>
public interface ICurrentActor
{
    Actor Actor { get; }
}

/// <summary>A fixed actor, for hosts that act as one system identity (the CLI, the worker).</summary>
public sealed class FixedActor(Actor actor) : ICurrentActor
{
    public Actor Actor { get; } = actor;
}
