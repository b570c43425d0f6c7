using System.Net;
using System.Text.Json;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>
/// Issue 10, point 3: a registry XLSX is a zip, and a zip of a few hundred kilobytes can inflate to
/// hundreds of megabytes (one 300 MB cell added 830 MB to the web process). Every path that opens an
/// uploaded zip — the import slice, the import page and the CLI — refuses such a file before inflating
/// it, with a Russian message, and writes nothing; the memory bound is on allocated bytes, not on time.
/// </summary>
public sealed class ZipBombTests : DatabaseTest
{
    private static readonly string[] Header = ["ekis_code", "name", "kind", "municipality"];
    private const long HugeCellLength = 300L * 1024 * 1024;

    /// <summary>Far below the 830 MB the bomb cost before; far above what reading a zip's directory takes.</summary>
    private const long AllocationBound = 64L * 1024 * 1024;

    private static readonly Lazy<byte[]> Bomb = new(() =>
        HandMadeXlsx.Workbook([Header, ["Z-1", "", "general", "M1"]], new HandMadeXlsx.HugeCell(2, 2, HugeCellLength)));

    /// <summary>The same bomb, but the archive claims the sheet inflates to 4 KB.</summary>
    private static readonly Lazy<byte[]> LyingBomb = new(() => HandMadeXlsx.WithDeclaredSize(Bomb.Value, HandMadeXlsx.SheetPart, 4096));

    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    [SetUp]
    public Task CreateRegionAsync() => RegistryTestData.CreateRegionAsync(Db);

    private static Task<long> OrganisationCountAsync() => ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE level IN ('organisation', 'branch')");

    private static async Task<(ImportRegistry.Result Result, long Allocated)> DryRunMeasuredAsync(byte[] file)
    {
        var import = new ImportRegistry(Db);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await import.DryRunAsync(file, "registry.xlsx");
        return (result, GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    [Test]
    public async Task An_xlsx_with_one_huge_highly_compressible_cell_is_refused_before_it_is_inflated()
    {
        Assert.That(Bomb.Value.Length, Is.LessThan(2 * 1024 * 1024), "the bomb itself is small");

        var (result, allocated) = await DryRunMeasuredAsync(Bomb.Value);
        var applied = await new ImportRegistry(Db).ApplyAsync(Bomb.Value, "registry.xlsx", Actor.Cli);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Unusable ?? "(read, not refused)", Does.Contain("распаков"), "a Russian message about the unpacked size");
            Assert.That(allocated, Is.LessThan(AllocationBound), $"allocated {allocated / (1024 * 1024)} MB");
            Assert.That(applied.Unusable ?? "(read, not refused)", Does.Contain("распаков"));
            Assert.That(applied.Applied, Is.False);
            Assert.That(await OrganisationCountAsync(), Is.Zero);
        });
    }

    [Test]
    public async Task An_xlsx_whose_recorded_sizes_lie_is_stopped_while_reading()
    {
        var (result, allocated) = await DryRunMeasuredAsync(LyingBomb.Value);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Unusable ?? "(read, not refused)", Does.Contain("распаков"));
            Assert.That(allocated, Is.LessThan(AllocationBound), $"allocated {allocated / (1024 * 1024)} MB");
            Assert.That(await OrganisationCountAsync(), Is.Zero);
        });
    }

    [Test]
    public async Task A_normal_hand_made_xlsx_still_imports()
    {
        var file = HandMadeXlsx.Workbook([Header, ["Z-2", "Школа № 2 «Радуга»", "general", "M1"]]);

        var result = await new ImportRegistry(Db).ApplyAsync(file, "registry.xlsx", Actor.Cli);

        Assert.That(result.Unusable, Is.Null);
        Assert.That(result.Problems, Is.Empty, () => string.Join("\n", result.Problems));
        Assert.That(await ScalarAsync<string>("SELECT name FROM ekis.org_unit WHERE ekis_code = 'Z-2'"), Is.EqualTo("Школа № 2 «Радуга»"));
    }

    [Test]
    public async Task The_import_page_refuses_a_zip_bomb_with_a_russian_message_and_keeps_nothing()
    {
        await TestAccounts.CreateAsync(Db, "z-admin", Roles.Admin, null);
        var admin = await TestAccounts.SignInAsync(_web, "z-admin");
        var token = await TestAccounts.AntiforgeryTokenAsync(admin, "/Registry/Import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(LyingBomb.Value), "file", "bomb.xlsx" },
        };

        var response = await admin.PostAsync("/Registry/Import?handler=Check", form);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("Файл не прочитан").And.Contain("распаков"));
            Assert.That(html, Does.Not.Contain("Внести в реестр"), "nothing is offered for applying");
            Assert.That(await OrganisationCountAsync(), Is.Zero);
        });
    }

    [Test]
    public async Task The_cli_import_refuses_a_zip_bomb_with_exit_code_2()
    {
        var folder = Path.Combine(TestDatabase.StateFolder, "zip-bomb");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "bomb.xlsx");
        await File.WriteAllBytesAsync(path, Bomb.Value);
        var env = new Dictionary<string, string?> { ["EKIS_DB"] = TestDatabase.ConnectionString };

        var run = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(120), "registry", "import", path, "--json");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Output);
        var json = run.Output.Split('\n').Single(l => l.StartsWith("{\"problems\"", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("problems")[0].GetProperty("message").GetString(), Does.Contain("распаков"));
        Assert.That(await OrganisationCountAsync(), Is.Zero);
    }
}
