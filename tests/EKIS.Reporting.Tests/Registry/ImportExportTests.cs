using System.Text;
using System.Text.Json;
using ClosedXML.Excel;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using static EKIS.Reporting.Tests.Registry.RegistryTestData;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>Issue 4: CSV/XLSX import (dry run, all-or-nothing apply, bad input) and XLSX export.</summary>
public sealed class ImportExportTests : DatabaseTest
{
    private static readonly string[] Header = ["ekis_code", "name", "short_name", "kind", "parent_ekis_code", "municipality", "inn", "kpp", "ogrn", "okpo", "opened_on", "status"];

    [SetUp]
    public Task CreateRegionAsync() => RegistryTestData.CreateRegionAsync(Db);

    private static ImportRegistry Import => new(Db);

    private static byte[] Csv(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines));

    private static string[] Lines(params OrganisationBuilder[] cards) =>
        [string.Join(';', Header), .. cards.Select(c => c.ToCsvLine(Header))];

    private static Task<long> OrganisationCountAsync() => ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE level IN ('organisation', 'branch')");

    [Test]
    public async Task A_dry_run_of_a_clean_file_finds_nothing_and_writes_nothing_and_applying_it_writes_every_row()
    {
        var school = AnOrganisation();
        var file = Csv(Lines(school, AnOrganisation().BranchOf(school), AnOrganisation().InMunicipality("Заречный")));

        var dry = await Import.DryRunAsync(file, "registry.csv");
        Assert.That(dry.Problems, Is.Empty, () => string.Join("\n", dry.Problems));
        Assert.That(await OrganisationCountAsync(), Is.Zero);

        var applied = await Import.ApplyAsync(file, "registry.csv", Actor.Cli);
        Assert.That(applied.Created, Is.EqualTo(3));
        Assert.That(await OrganisationCountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_dry_run_reports_every_problem_with_the_spreadsheet_row_and_column()
    {
        var existing = await AnOrganisation().SaveAsync(Db);
        var file = Csv(Lines(
            AnOrganisation().With("inn", "7707083894"),                       // row 2: control digit
            AnOrganisation().With("opened_on", "31.02.2024"),                 // row 3: no such date
            AnOrganisation().BranchOf(AnOrganisation().WithCode("NOPE")),    // row 4: unknown parent
            AnOrganisation().WithCode("D-1"),                                 // row 5
            AnOrganisation().WithCode("D-1"),                                 // row 6: duplicate in the file
            AnOrganisation().With("inn", existing.Inn),                       // row 7: ИНН+КПП of the registry's
            AnOrganisation().With("kind", "университет"),                     // row 8: unknown kind
            AnOrganisation().With("okpo", "12.5"),                            // row 9: malformed number
            AnOrganisation().With("name", "=cmd|' /C calc'!A0")));            // row 10: formula

        var result = await Import.DryRunAsync(file, "registry.csv");
        var found = result.Problems.Select(p => (p.Row, p.Column)).ToList();

        Assert.That(found, Is.EquivalentTo(new (int?, string?)[]
        {
            (2, "inn"), (3, "opened_on"), (4, "parent_ekis_code"), (6, "ekis_code"), (7, "kpp"), (8, "kind"), (9, "okpo"), (10, "name"),
        }), () => string.Join("\n", result.Problems));
        Assert.That(result.Problems.Single(p => p.Row == 6).Message, Does.Contain("строке 5"));
    }

    [Test]
    public async Task Applying_a_file_with_one_bad_row_writes_nothing_at_all()
    {
        var file = Csv(Lines(AnOrganisation(), AnOrganisation(), AnOrganisation().With("ogrn", "1025000000014")));
        var result = await Import.ApplyAsync(file, "registry.csv", Actor.Cli);

        Assert.That(result.Applied, Is.False);
        Assert.That(result.Problems.Single().Row, Is.EqualTo(4));
        Assert.That(await OrganisationCountAsync(), Is.Zero);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit_history h JOIN ekis.org_unit o ON o.id = h.org_unit_id WHERE o.level = 'organisation'"), Is.Zero);
    }

    [Test]
    public async Task A_windows_1251_file_with_russian_headers_and_values_is_read()
    {
        var text = string.Join("\r\n",
            "Код ЕКИС;Наименование;Вид;Муниципалитет;Статус;Местность",
            "777;Детский сад № 7 «Ёлочка»;дошкольная;Заречный муниципальный район;действующая;сельская");
        var file = Encoding.GetEncoding(1251).GetBytes(text);

        var result = await Import.ApplyAsync(file, "реестр.csv", Actor.Cli);

        Assert.That(result.Problems, Is.Empty, () => string.Join("\n", result.Problems));
        Assert.That(await ScalarAsync<string>("SELECT name || '|' || kind FROM ekis.org_unit WHERE ekis_code = '777'"), Is.EqualTo("Детский сад № 7 «Ёлочка»|preschool"));
    }

    [Test]
    public async Task Quoted_cells_may_hold_semicolons_and_quotes()
    {
        var file = Csv("ekis_code;name;kind;municipality", "Q-1;\"Школа \"\"Знание; сила\"\"\";general;M1");
        var result = await Import.ApplyAsync(file, "q.csv", Actor.Cli);
        Assert.That(result.Problems, Is.Empty, () => string.Join("\n", result.Problems));
        Assert.That(await ScalarAsync<string>("SELECT name FROM ekis.org_unit WHERE ekis_code = 'Q-1'"), Is.EqualTo("Школа \"Знание; сила\""));
    }

    [TestCase("registry.xlsx", "not a zip at all", "не является ею")]
    [TestCase("registry.csv", "\0\u0001\u0002binary", "двоичные данные")]
    [TestCase("registry.csv", "", "пуст")]
    [TestCase("registry.csv", "hello;world\n1;2", "не похожа на заголовок")]
    [TestCase("registry.csv", "ekis_code;name;kind;municipality\n\"1;unclosed", "не закрыта")]
    public async Task An_unusable_file_is_refused_as_a_whole(string name, string content, string fragment)
    {
        var result = await Import.ApplyAsync(Encoding.UTF8.GetBytes(content), name, Actor.Cli);
        Assert.That(result.Unusable, Does.Contain(fragment));
        Assert.That(await OrganisationCountAsync(), Is.Zero);
    }

    [Test]
    public async Task A_broken_xlsx_and_an_oversized_file_are_refused()
    {
        var broken = new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 1, 2, 3, 4, 5, 6, 7 };
        var huge = new byte[RegistryFile.MaxBytes + 1];
        Assert.That((await Import.DryRunAsync(broken, "r.xlsx")).Unusable, Does.Contain("повреждена"));
        Assert.That((await Import.DryRunAsync(huge, "r.csv")).Unusable, Does.Contain("слишком большой"));
    }

    [Test]
    public async Task An_unknown_or_missing_column_is_reported_on_row_1()
    {
        var result = await Import.DryRunAsync(Csv("ekis_code;name;favourite_colour", "1;Школа;red"), "r.csv");
        Assert.That(result.Problems.Where(p => p.Row == 1).Select(p => p.Column),
            Is.SupersetOf(new[] { "favourite_colour", "kind", "municipality" }));
    }

    [Test]
    public async Task An_xlsx_with_alias_headers_numeric_identifiers_and_date_cells_is_read()
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Лист1");
        string[] header = ["Код ЕКИС", "Наименование", "Вид", "МО", "ИНН", "Дата открытия"];
        for (var i = 0; i < header.Length; i++) sheet.Cell(1, i + 1).Value = header[i];
        sheet.Cell(2, 1).Value = 555;
        sheet.Cell(2, 2).Value = "Школа № 555";
        sheet.Cell(2, 3).Value = "общеобразовательная";
        sheet.Cell(2, 4).Value = "M2";
        sheet.Cell(2, 5).Value = 7707083893;
        sheet.Cell(2, 6).Value = new DateTime(2020, 9, 1);
        sheet.Cell(3, 1).Value = 556;
        sheet.Cell(3, 2).FormulaA1 = "=\"Школа \"&A3";
        sheet.Cell(3, 3).Value = "general";
        sheet.Cell(3, 4).Value = "M2";
        using var ms = new MemoryStream();
        workbook.SaveAs(ms);

        var result = await Import.DryRunAsync(ms.ToArray(), "r.xlsx");

        Assert.That(result.Problems.Select(p => (p.Row, p.Column)), Is.EqualTo(new (int?, string?)[] { (3, "name") }),
            () => string.Join("\n", result.Problems));
        Assert.That(result.Problems[0].Message, Does.Contain("формула"));
    }

    [Test]
    public async Task An_export_imports_back_without_problems_or_changes_and_neutralises_formulas()
    {
        var school = await AnOrganisation().With("urban", "urban").With("phone", "+7 495 000-00-00").SaveAsync(Db);
        await AnOrganisation().BranchOf(school).SaveAsync(Db);
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.org_unit SET short_name = '=cmd|'' /C calc''!A0' WHERE ekis_code = $1", school.Code);

        using var ms = new MemoryStream();
        var count = await new ExportRegistry(Db).WriteAsync(ms);
        var bytes = ms.ToArray();
        Assert.That(count, Is.EqualTo(2));

        using (var workbook = new XLWorkbook(new MemoryStream(bytes)))
        {
            var sheet = workbook.Worksheet(1);
            Assert.That(sheet.Cell(1, 1).GetString(), Is.EqualTo("ekis_code"));
            var cell = sheet.Cell(2, 3);
            Assert.That(cell.HasFormula, Is.False);
            Assert.That(cell.GetString(), Is.EqualTo("=cmd|' /C calc'!A0"));
            Assert.That(cell.Style.IncludeQuotePrefix, Is.True);
            Assert.That(sheet.Column(2).Width, Is.GreaterThan(30));
        }

        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.org_unit SET short_name = 'Школа' WHERE ekis_code = $1", school.Code);
        using var ms2 = new MemoryStream();
        await new ExportRegistry(Db).WriteAsync(ms2);
        var again = await Import.ApplyAsync(ms2.ToArray(), "export.xlsx", Actor.Cli);
        Assert.That(again.Problems, Is.Empty, () => string.Join("\n", again.Problems));
        Assert.That((again.Created, again.Updated, again.Unchanged), Is.EqualTo((0, 0, 2)));
    }

    [Test]
    public async Task The_cli_dry_run_prints_json_problems_and_exits_1_and_an_unreadable_file_exits_2()
    {
        var folder = Path.Combine(TestDatabase.StateFolder, "registry-cli");
        Directory.CreateDirectory(folder);
        var bad = Path.Combine(folder, "bad.csv");
        await File.WriteAllBytesAsync(bad, Csv(Lines(AnOrganisation().With("inn", "7707083894"))));
        var notXlsx = Path.Combine(folder, "fake.xlsx");
        await File.WriteAllTextAsync(notXlsx, "hello");
        var env = new Dictionary<string, string?> { ["EKIS_DB"] = TestDatabase.ConnectionString };

        var run = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "registry", "import", bad, "--dry-run", "--json");
        var unusable = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "registry", "import", notXlsx, "--dry-run", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        var json = run.Output.Split('\n').Single(l => l.StartsWith("{\"problems\"", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(json);
        var problem = doc.RootElement.GetProperty("problems")[0];
        Assert.That(problem.GetProperty("row").GetInt32(), Is.EqualTo(2));
        Assert.That(problem.GetProperty("column").GetString(), Is.EqualTo("inn"));
        Assert.That(problem.GetProperty("message").GetString(), Does.Contain("ИНН"));
        Assert.That(unusable.ExitCode, Is.EqualTo(2), unusable.Output);
        Assert.That(await OrganisationCountAsync(), Is.Zero);
    }
}
