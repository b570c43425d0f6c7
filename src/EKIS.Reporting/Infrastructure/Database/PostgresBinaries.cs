namespace EKIS.Reporting.Infrastructure.Database;

/// <summary>Locates the PostgreSQL server programs (initdb, pg_ctl) installed on this machine.</summary>
public sealed record PostgresBinaries(string BinFolder)
{
    public string InitDb => Path.Combine(BinFolder, "initdb");
    public string PgCtl => Path.Combine(BinFolder, "pg_ctl");

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

        if (Directory.Exists(versionedRoot))
        {
            var newest = Directory.GetDirectories(versionedRoot)
                .Select(d => (dir: Path.Combine(d, "bin"), version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(x => x.version > 0 && HasServerPrograms(x.dir))
                .OrderByDescending(x => x.version)
                .FirstOrDefault();
            if (newest.dir is not null)
                return new PostgresBinaries(newest.dir);
        }

        throw new StartupException(MissingMessage);
    }

    private static bool HasServerPrograms(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

    // /usr/local/bin/initdb may be a link into /usr/lib/postgresql/15/bin; pg_ctl finds "postgres"
    // next to its own real path, so the real folder is what we keep.
    private static string ResolveLinkedFolder(string dir)
    {
        var target = new FileInfo(Path.Combine(dir, "pg_ctl")).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? dir : Path.GetDirectoryName(target.FullName) ?? dir;
    }
}
