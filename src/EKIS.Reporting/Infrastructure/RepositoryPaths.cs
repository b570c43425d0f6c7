namespace EKIS.Reporting.Infrastructure;

/// <summary>
/// Finds the folder the system keeps its local state in. In a source checkout that is the
/// repository root (the folder with EKIS.Reporting.sln), so the web app, the worker and the CLI
/// started from anywhere inside it share one embedded database; elsewhere it is the working folder.
/// </summary>
public static class RepositoryPaths
{
    public const string SolutionFile = "EKIS.Reporting.sln";

    public static string? FindRepositoryRoot(params string[] startFolders)
    {
        foreach (var start in startFolders.Append(Directory.GetCurrentDirectory()).Append(AppContext.BaseDirectory))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                    return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>The default state folder: <c>&lt;repo&gt;/.data</c>, or <c>./.data</c> outside a checkout.</summary>
    public static string DefaultStateFolder() =>
        Path.Combine(FindRepositoryRoot() ?? Directory.GetCurrentDirectory(), ".data");
}
