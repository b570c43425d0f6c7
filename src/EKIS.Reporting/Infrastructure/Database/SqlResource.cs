using System.Collections.Concurrent;

namespace EKIS.Reporting.Infrastructure.Database;

/// <summary>
/// The long queries of the slices: <c>.sql</c> files beside the slice (<c>Features/&lt;Area&gt;/Name.sql</c>),
/// embedded by the core project as <c>slice.&lt;folder&gt;/Name.sql</c> and read once per process.
/// </summary>
public static class SqlResource
{
    private const string Prefix = "slice.";
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The text of <paramref name="path"/>, relative to the core project with '/' between folders
    /// (e.g. <c>Features/Registry/StageUnits.sql</c>); a missing file is a programming error.
    /// </summary>
    public static string Get(string path) => Cache.GetOrAdd(path, static p =>
    {
        var asm = typeof(SqlResource).Assembly;
        var wanted = Prefix + p;
        // MSBuild writes the folder part with the build machine's separator.
        var resource = asm.GetManifestResourceNames().SingleOrDefault(n => n.Replace('\\', '/') == wanted)
                       ?? throw new InvalidOperationException($"No embedded SQL file {p} (is it under src/EKIS.Reporting and named .sql?).");
        using var reader = new StreamReader(asm.GetManifestResourceStream(resource)!);
        return reader.ReadToEnd();
    });

    /// <summary>A file beside a slice of <c>Features/<paramref name="area"/></c>.</summary>
    public static string Feature(string area, string fileName) => Get($"Features/{area}/{fileName}");
}
