namespace EKIS.Reporting.Infrastructure.Database;

public sealed class EmbeddedPostgresOptions
{
    /// <summary>Folder of the private cluster (default <c>&lt;repo&gt;/.data/postgres</c>).</summary>
    public required string DataFolder { get; init; }

    /// <summary>Folder with initdb/pg_ctl; found on PATH or under /usr/lib/postgresql when null.</summary>
    public string? BinFolder { get; init; }

    /// <summary>
    /// Account the server runs under when this process is root (initdb refuses root).
    /// Defaults to 'postgres', which the distribution's package creates.
    /// </summary>
    public string ServiceAccount { get; init; } = "postgres";

    /// <summary>
    /// False for throw-away clusters (tests): fsync and synchronous commit off. Never for real data.
    /// </summary>
    public bool Durable { get; init; } = true;

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
