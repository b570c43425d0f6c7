namespace EKIS.Reporting.Infrastructure.Database;

/// <summary>
/// Locates the PostgreSQL programs installed on this machine: the server programs (initdb, pg_ctl) for
/// the embedded cluster, the client programs (pg_dump, pg_restore, psql) for backups.
/// </summary>
public sealed record PostgresBinaries(string BinFolder)
{
    public string InitDb => Path.Combine(BinFolder, "initdb");
    public string PgCtl => Path.Combine(BinFolder, "pg_ctl");
    public string PgDump => Path.Combine(BinFolder, "pg_dump");
    public string PgRestore => Path.Combine(BinFolder, "pg_restore");
    public string Psql => Path.Combine(BinFolder, "psql");

    /// <summary>Whether this folder also holds pg_dump, pg_restore and psql (a server's folder usually does).</summary>
    public bool HasClientPrograms => HasPrograms(BinFolder, ClientPrograms);

    public const string MissingClientMessage =
        "PostgreSQL client programs (pg_dump, pg_restore, psql) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
        "Install the 'postgresql-client' package (its version at least the server's) or set EKIS_PG_BIN to their folder.";

    private static readonly string[] ServerPrograms = ["initdb", "pg_ctl"];
    private static readonly string[] ClientPrograms = ["pg_dump", "pg_restore", "psql"];

    /// <summary>
    /// The client programs, searched like the server programs: <paramref name="explicitFolder"/>, then PATH,
    /// then the newest <c>/usr/lib/postgresql/*/bin</c>. A PATH entry is kept as it is (Debian's /usr/bin/pg_dump
    /// is a wrapper that picks the version by the name it was called by).
    /// </summary>
    public static PostgresBinaries LocateClient(string? explicitFolder, string? searchPath = null, string versionedRoot = "/usr/lib/postgresql")
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            return HasPrograms(explicitFolder, ClientPrograms)
                ? new PostgresBinaries(explicitFolder)
                : throw new StartupException($"EKIS_PG_BIN points to '{explicitFolder}', which has no pg_dump, pg_restore and psql. " + MissingClientMessage);
        }
        foreach (var dir in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasPrograms(dir, ClientPrograms))
                return new PostgresBinaries(dir);
        }
        return Newest(versionedRoot, ClientPrograms) ?? throw new StartupException(MissingClientMessage);
    }

    public const string MissingMessage =
        "PostgreSQL server programs (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
        "Install the 'postgresql' package (e.g. 'apt-get install postgresql'), set EKIS_PG_BIN to their folder, " +
        "or point EKIS_DB at an existing PostgreSQL server.";

    /// <param name="explicitFolder">EKIS_PG_BIN / Database:PgBin, if configured.</param>
    /// <param name="searchPath">The PATH to search; the process's PATH when null.</param>
    /// <param name="versionedRoot">Where distributions install versioned server folders.</param>
    public static PostgresBinaries Locate(string? explicitFolder, string? searchPath = null, string versionedRoot = "/usr/lib/postgresql")
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            return HasServerPrograms(explicitFolder)
                ? new PostgresBinaries(explicitFolder)
                : throw new StartupException($"EKIS_PG_BIN points to '{explicitFolder}', which has no initdb and pg_ctl. " + MissingMessage);
        }

        foreach (var dir in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasServerPrograms(dir))
                return new PostgresBinaries(ResolveLinkedFolder(dir));
        }

        return Newest(versionedRoot, ServerPrograms) ?? throw new StartupException(MissingMessage);
    }

    /// <summary>The newest versioned folder (<c>&lt;root&gt;/15/bin</c>, <c>&lt;root&gt;/17/bin</c> …) holding <paramref name="programs"/>.</summary>
    private static PostgresBinaries? Newest(string versionedRoot, string[] programs)
    {
        if (!Directory.Exists(versionedRoot)) return null;
        var newest = Directory.GetDirectories(versionedRoot)
            .Select(d => (dir: Path.Combine(d, "bin"), version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
            .Where(x => x.version > 0 && HasPrograms(x.dir, programs))
            .OrderByDescending(x => x.version)
            .FirstOrDefault();
        return newest.dir is null ? null : new PostgresBinaries(newest.dir);
    }

    private static bool HasServerPrograms(string dir) => HasPrograms(dir, ServerPrograms);

    private static bool HasPrograms(string dir, string[] programs) => programs.All(p => File.Exists(Path.Combine(dir, p)));

    // /usr/local/bin/initdb may be a link into /usr/lib/postgresql/15/bin; pg_ctl finds "postgres"
    // next to its own real path, so the real folder is what we keep.
    private static string ResolveLinkedFolder(string dir)
    {
        var target = new FileInfo(Path.Combine(dir, "pg_ctl")).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? dir : Path.GetDirectoryName(target.FullName) ?? dir;
    }
}
