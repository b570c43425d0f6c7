using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>Issue 11, point 3: long SQL lives in .sql files beside its slice, read by one loader.</summary>
public sealed class SqlResourceTests
{
    [Test]
    public void Every_sql_file_beside_a_slice_is_read_by_the_one_loader()
    {
        var core = Path.Combine(BuiltPrograms.RepositoryRoot, "src", "EKIS.Reporting");
        var files = Directory.EnumerateFiles(Path.Combine(core, "Features"), "*.sql", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(core, f).Replace(Path.DirectorySeparatorChar, '/')).ToList();
        Assert.That(files, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var file in files)
                Assert.That(SqlResource.Get(file), Is.EqualTo(File.ReadAllText(Path.Combine(core, file))), file);
        });
    }

    [Test]
    public void A_missing_sql_file_is_named_in_the_error() =>
        Assert.That(() => SqlResource.Feature("Registry", "NoSuchQuery.sql"),
            Throws.InvalidOperationException.With.Message.Contains("Features/Registry/NoSuchQuery.sql"));
}
