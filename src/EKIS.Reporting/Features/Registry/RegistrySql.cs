using System.Collections.Concurrent;

namespace EKIS.Reporting.Features.Registry;

/// <summary>The registry slices' .sql files, embedded beside them (read once).</summary>
internal static class RegistrySql
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static string Get(string fileName) => Cache.GetOrAdd(fileName, static name =>
    {
        var asm = typeof(RegistrySql).Assembly;
        var resource = asm.GetManifestResourceNames()
            .Single(n => n.StartsWith("slice.", StringComparison.Ordinal) && n.EndsWith("Registry/" + name, StringComparison.Ordinal)
                         || n.EndsWith("Registry\\" + name, StringComparison.Ordinal) || n.EndsWith("Registry." + name, StringComparison.Ordinal));
        using var reader = new StreamReader(asm.GetManifestResourceStream(resource)!);
        return reader.ReadToEnd();
    });
}
