using System.Text.RegularExpressions;
using EKIS.Reporting.Infrastructure.Files;
using EKIS.Reporting.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Issue 10, point 3: the one component that opens uploaded zips. Each limit is tested on its own with
/// small limits, so the archives stay a few kilobytes; the import tests (Registry/ZipBombTests) use the
/// defaults on a real 300 MB bomb.
/// </summary>
public sealed class SafeZipTests
{
    private static readonly ZipLimits Generous = new();

    private static string Refusal(byte[] zip, ZipLimits limits)
    {
        var ex = Assert.Throws<UnsafeZipException>(() => SafeZip.Check(zip, limits, "Архив"));
        return ex!.Message;
    }

    [Test]
    public void A_normal_workbook_passes_and_opens_as_the_same_bytes()
    {
        var xlsx = HandMadeXlsx.Workbook([["ekis_code", "name"], ["1", "Школа"]]);
        using var stream = SafeZip.OpenChecked(xlsx, Generous, "Книга Excel");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(xlsx));
    }

    [Test]
    public void Too_many_parts_are_refused_from_the_end_record()
    {
        var message = Refusal(HandMadeXlsx.ZipOf(6), new ZipLimits { MaxEntries = 5 });
        Assert.That(message, Does.StartWith("Архив: файл не загружен").And.Contain("частей в архиве 6").And.Contain("не более 5"));
        Assert.DoesNotThrow(() => SafeZip.Check(HandMadeXlsx.ZipOf(5), new ZipLimits { MaxEntries = 5 }, "Архив"));
    }

    [Test]
    public void A_part_recorded_larger_than_the_part_limit_is_refused()
    {
        var zip = HandMadeXlsx.ZipOf(1, entryBytes: 3 * 1024 * 1024);
        Assert.That(Refusal(zip, new ZipLimits { MaxEntryBytes = 2 * 1024 * 1024 }), Does.Contain("part0.xml").And.Contain("3 МБ").And.Contain("не более 2 МБ"));
    }

    [Test]
    public void Parts_whose_recorded_sizes_add_up_past_the_total_limit_are_refused()
    {
        var zip = HandMadeXlsx.ZipOf(3, entryBytes: 1024 * 1024);
        Assert.That(Refusal(zip, new ZipLimits { MaxTotalBytes = 2 * 1024 * 1024 }), Does.Contain("более 2 МБ"));
    }

    [Test]
    public void A_part_packed_past_the_ratio_is_refused_and_a_small_one_is_let_through()
    {
        // 2 MB of one character packs about 1000 : 1.
        Assert.That(Refusal(HandMadeXlsx.ZipOf(1, entryBytes: 2 * 1024 * 1024), Generous), Does.Contain("zip-бомб"));
        // 100 KB packs as well but cannot hurt: below the grace size the ratio is not applied.
        Assert.DoesNotThrow(() => SafeZip.Check(HandMadeXlsx.ZipOf(1, entryBytes: 100 * 1024), Generous, "Архив"));
    }

    [Test]
    public void A_part_that_unpacks_to_more_than_it_claims_is_stopped_while_reading()
    {
        var zip = HandMadeXlsx.WithDeclaredSize(HandMadeXlsx.ZipOf(1, entryBytes: 50_000), "part0.xml", 1000);
        Assert.That(Refusal(zip, Generous), Does.Contain("больше размера, записанного в архиве"));
    }

    [Test]
    public void A_part_that_unpacks_to_less_than_it_claims_is_refused()
    {
        var zip = HandMadeXlsx.WithDeclaredSize(HandMadeXlsx.ZipOf(1, entryBytes: 1000), "part0.xml", 5000);
        Assert.That(Refusal(zip, Generous), Does.Contain("меньше размера, записанного в архиве"));
    }

    [Test]
    public void A_file_that_is_not_a_zip_is_invalid_data_not_a_refusal()
    {
        Assert.Throws<InvalidDataException>(() => SafeZip.Check("PK\u0003\u0004 and nothing more"u8.ToArray(), Generous, "Архив"));
    }

    [Test]
    public void The_limits_are_read_from_configuration_and_nonsense_stops_the_start()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Uploads:Zip:MaxEntries"] = "7", ["Uploads:Zip:MaxEntryBytes"] = "1000", ["Uploads:Zip:MaxTotalBytes"] = "2000", ["Uploads:Zip:MaxCompressionRatio"] = "9",
        }).Build();
        var limits = ZipLimits.From(config);
        Assert.That((limits.MaxEntries, limits.MaxEntryBytes, limits.MaxTotalBytes, limits.MaxCompressionRatio), Is.EqualTo((7, 1000L, 2000L, 9)));

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Uploads:Zip:MaxEntries"] = "0",
        }).Build();
        Assert.Throws<EKIS.Reporting.Infrastructure.StartupException>(() => ZipLimits.From(bad));
    }

    /// <summary>
    /// Future uploads must not open a zip on their own: any source file that opens an archive or a
    /// package for reading goes through SafeZip (writers, which create new archives, are not affected).
    /// </summary>
    [Test]
    public void Every_zip_opened_for_reading_in_the_application_goes_through_SafeZip()
    {
        var opening = new Regex(@"SpreadsheetDocument\.Open\(|WordprocessingDocument\.Open\(|Package\.Open\(|ZipFile\.(Open|OpenRead|ExtractToDirectory)\(|new ZipArchive\(|new XLWorkbook\(\s*[^)\s]", RegexOptions.Compiled);
        var offenders = new List<string>();
        foreach (var root in new[] { "src", "jobs" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(BuiltPrograms.RepositoryRoot, root), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
                if (Path.GetFileName(file) == "SafeZip.cs") continue;
                var text = File.ReadAllText(file);
                if (opening.IsMatch(text) && !text.Contains("SafeZip.OpenChecked(", StringComparison.Ordinal))
                    offenders.Add(Path.GetRelativePath(BuiltPrograms.RepositoryRoot, file));
            }
        }
        Assert.That(offenders, Is.Empty, "these files open a zip without SafeZip.OpenChecked");
    }
}
