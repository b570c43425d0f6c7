using Microsoft.Extensions.Configuration;

namespace EKIS.Reporting.Infrastructure.Database;

/// <summary>
/// Where the database is: an explicit server (EKIS_DB or ConnectionStrings:Ekis) or, with neither,
/// the embedded cluster under the data folder (EKIS_DATA_DIR, default &lt;repo&gt;/.data).
/// </summary>
public sealed record DatabaseSettings(
    string? ConnectionString,
    string StateFolder,
    string? PgBinFolder,
    string ServiceAccount,
    string DatabaseName,
    bool SeedDemoOnCreate,
    bool StateFolderConfigured = false)
{
    public bool IsEmbedded => ConnectionString is null;
    public string EmbeddedDataFolder => Path.Combine(StateFolder, "postgres");

    public static DatabaseSettings From(IConfiguration config)
    {
        var cs = FirstNonEmpty(config["EKIS_DB"], config.GetConnectionString("Ekis"));
        var configured = FirstNonEmpty(config["EKIS_DATA_DIR"], config["Database:DataDir"]);
        var state = configured ?? RepositoryPaths.DefaultStateFolder();
        return new DatabaseSettings(
            cs,
            Path.GetFullPath(state),
            FirstNonEmpty(config["EKIS_PG_BIN"], config["Database:PgBin"]),
            FirstNonEmpty(config["EKIS_PG_ACCOUNT"], config["Database:ServiceAccount"]) ?? "postgres",
            FirstNonEmpty(config["Database:Name"]) ?? "ekis",
            config.GetValue("Database:SeedDemoOnCreate", true),
            configured is not null);
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
