using System.Diagnostics;
using System.Globalization;
using ClosedXML.Excel;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace EKIS.Reporting.Benchmarks;

/// <summary>
/// Issue 4's registry benchmarks as a scenario (not BenchmarkDotNet: one run takes seconds and needs
/// a database). Imports N organisations from XLSX (dry run, then apply) into an empty region, against
/// a bare binary COPY of the same rows into the same table as the floor; then the registry search
/// against the same search as bare SQL without the scope function. Prints medians and ratios.
/// Database: EKIS_TEST_DB (a server connection string) or a throw-away embedded cluster.
/// </summary>
public static class RegistryScenario
{
    private const int Municipalities = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchArgs.Int(args, "--rows", 40_000);
        var runs = BenchArgs.Int(args, "--runs", 3);
        var searches = BenchArgs.Int(args, "--searches", 30);

        await using var bench = await BenchDatabase.CreateAsync();
        var (server, dbName) = (bench.Server, bench.Name);
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = dbName }.ConnectionString;
        await new Migrator(cs, NullLogger.Instance).MigrateAsync();
        await using var db = NpgsqlDataSource.Create(cs);
        await RunScenarioAsync(db, rows, runs, searches);
        return 0;
    }

    private sealed record Org(string Code, string Name, string ShortName, string Kind, string Municipality, string Inn, string Kpp,
        string Ogrn, string Okpo, string Oktmo, string Director, string Email);

    private static async Task RunScenarioAsync(NpgsqlDataSource db, int count, int runs, int searches)
    {
        var orgs = Generate(count);
        var xlsx = Xlsx(orgs);
        Console.WriteLine($"rows: {count}, municipalities: {Municipalities}, XLSX: {xlsx.Length / 1024.0 / 1024.0:F1} MB, runs: {runs}");
        var import = new ImportRegistry(db);
        var actor = Actor.System("bench");
        var dry = new List<double>();
        var apply = new List<double>();
        var copy = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await ResetAsync(db, actor);
            var sw = Stopwatch.StartNew();
            var check = await import.DryRunAsync(xlsx, "registry.xlsx");
            dry.Add(sw.Elapsed.TotalSeconds);
            if (!check.IsClean) throw new InvalidOperationException($"dry run found problems: {check.Unusable ?? check.Problems[0].Message}");
            sw.Restart();
            var applied = await import.ApplyAsync(xlsx, "registry.xlsx", actor);
            apply.Add(sw.Elapsed.TotalSeconds);
            if (applied.Created != count) throw new InvalidOperationException($"created {applied.Created} of {count}");

            await ResetAsync(db, actor);
            sw.Restart();
            await CopyAsync(db, actor, orgs);
            copy.Add(sw.Elapsed.TotalSeconds);
            Console.WriteLine($"run {run + 1}: dry run {dry[^1]:F2} s, apply {apply[^1]:F2} s, binary COPY {copy[^1]:F2} s");
        }
        Console.WriteLine($"median: dry run {Median(dry):F2} s, apply {Median(apply):F2} s, dry run + apply {Median(dry) + Median(apply):F2} s, " +
                          $"COPY {Median(copy):F2} s, ratio (dry run + apply) / COPY {(Median(dry) + Median(apply)) / Median(copy):F1}");

        // Search on the imported registry (the COPY left the same rows in place), with the statistics
        // of a registry at rest (the import analyses the table after a bulk load; the bare COPY does not).
        await using (var conn = await db.OpenConnectionAsync())
        await using (var analyze = new NpgsqlCommand("ANALYZE ekis.org_unit", conn))
            await analyze.ExecuteNonQueryAsync();
        var search = new SearchRegistry(db);
        var regionId = await Scalar<long>(db, "SELECT id FROM ekis.org_unit WHERE level = 'region'");
        var municipalityId = await Scalar<long>(db, "SELECT id FROM ekis.org_unit WHERE ekis_code = 'BM-07'");
        var analyst = new AccessScope(0, "bench", 0, Roles.RegionalAnalyst, regionId, null);
        var admin = new AccessScope(0, "bench", 0, Roles.Admin, null, null);
        var operatorScope = new AccessScope(0, "bench", 0, Roles.MunicipalOperator, municipalityId, null);
        (string Label, SearchRegistry.Query Query)[] cases =
        [
            ("first page, no filter", new SearchRegistry.Query()),
            ("text «школа № 12»", new SearchRegistry.Query(Search: "школа № 12")),
            ("municipality + kind", new SearchRegistry.Query(MunicipalityId: municipalityId, Kind: "preschool")),
            ("page 400", new SearchRegistry.Query(Page: 400)),
        ];
        foreach (var (label, query) in cases)
        {
            var slice = await Time(searches, () => search.RunAsync(analyst, query));
            var asAdmin = await Time(searches, () => search.RunAsync(admin, query));
            var asOperator = await Time(searches, () => search.RunAsync(operatorScope, query));
            var bare = await Time(searches, () => BareSearchAsync(db, query));
            // Everything the /Registry page asks the database for: the search and the two filter lists.
            var page = await Time(searches, async () =>
            {
                await search.RunAsync(analyst, query);
                await search.MunicipalitiesAsync(analyst);
                await search.GroupsAsync();
            });
            Console.WriteLine($"search {label}: analyst {slice:F2} ms, admin {asAdmin:F2} ms, operator (1 municipality) {asOperator:F2} ms, " +
                              $"bare SQL {bare:F2} ms, ratio analyst/bare {slice / bare:F1}, analyst page queries (search + filter lists) {page:F2} ms");
        }
    }

    private static async Task<double> Time(int n, Func<Task> action)
    {
        await action();
        var times = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return Median(times);
    }

    /// <summary>
    /// The floor: the same count and page as SearchRegistry (text, municipality and kind filters, page in
    /// ЕКИС-code order, joins for the page only), without any scope and without Dapper.
    /// </summary>
    private static async Task BareSearchAsync(NpgsqlDataSource db, SearchRegistry.Query query)
    {
        const string where = """
            WHERE u.level IN ('organisation', 'branch')
              AND ($2::bigint IS NULL OR u.parent_id = $2
                   OR (u.level = 'branch' AND u.parent_id IN (SELECT o.id FROM ekis.org_unit o WHERE o.level = 'organisation' AND o.parent_id = $2)))
              AND ($1::text IS NULL OR lower(u.name) LIKE $1 OR lower(coalesce(u.short_name, '')) LIKE $1 OR lower(u.ekis_code) LIKE $1 OR u.inn LIKE $1)
              AND ($3::text IS NULL OR u.kind = $3)
            """;
        await using var conn = await db.OpenConnectionAsync();
        var q = query.Search is null ? null : "%" + query.Search.ToLowerInvariant() + "%";
        object[] values = [(object?)q ?? DBNull.Value, (object?)query.MunicipalityId ?? DBNull.Value, (object?)query.Kind ?? DBNull.Value];
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM ekis.org_unit u " + where, conn))
        {
            count.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = values[0] });
            count.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = values[1] });
            count.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = values[2] });
            await count.ExecuteScalarAsync();
        }
        await using var page = new NpgsqlCommand($"""
            SELECT u.id, u.level, u.ekis_code, u.name, u.short_name, u.kind, u.status, u.inn, m.name
            FROM (SELECT u.id, u.ekis_code FROM ekis.org_unit u {where} ORDER BY u.ekis_code OFFSET $4 LIMIT 50) h
            JOIN ekis.org_unit u ON u.id = h.id
            JOIN ekis.org_unit p ON p.id = u.parent_id
            JOIN ekis.org_unit m ON m.id = CASE WHEN u.level = 'branch' THEN p.parent_id ELSE p.id END
            ORDER BY u.ekis_code
            """, conn);
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = values[0] });
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = values[1] });
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = values[2] });
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (Math.Max(1, query.Page) - 1) * 50 });
        await using var reader = await page.ExecuteReaderAsync();
        while (await reader.ReadAsync()) { }
    }

    private static async Task ResetAsync(NpgsqlDataSource db, Actor actor)
    {
        await using var tx = await db.BeginAsAsync(actor);
        await using (var truncate = new NpgsqlCommand("TRUNCATE ekis.org_unit, ekis.org_unit_history RESTART IDENTITY CASCADE", tx.Connection, tx.Transaction))
            await truncate.ExecuteNonQueryAsync();
        await using (var region = new NpgsqlCommand("INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name) VALUES (NULL, 'region', 'BR', 'Область')", tx.Connection, tx.Transaction))
            await region.ExecuteNonQueryAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name)
            SELECT (SELECT id FROM ekis.org_unit WHERE ekis_code = 'BR'), 'municipality', 'BM-' || lpad(g::text, 2, '0'), 'Муниципальный округ ' || g
            FROM generate_series(1, $1) g
            """, tx.Connection, tx.Transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = Municipalities });
            await insert.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        await using var conn = await db.OpenConnectionAsync();
        await using var analyze = new NpgsqlCommand("ANALYZE ekis.org_unit", conn);
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task CopyAsync(NpgsqlDataSource db, Actor actor, IReadOnlyList<Org> orgs)
    {
        await using var tx = await db.BeginAsAsync(actor);
        var municipalityIds = new Dictionary<string, long>();
        await using (var cmd = new NpgsqlCommand("SELECT ekis_code, id FROM ekis.org_unit WHERE level = 'municipality'", tx.Connection, tx.Transaction))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) municipalityIds[reader.GetString(0)] = reader.GetInt64(1);
        await using (var importer = await tx.Connection.BeginBinaryImportAsync(
            "COPY ekis.org_unit (parent_id, level, ekis_code, name, short_name, kind, legal_status, inn, kpp, ogrn, okpo, oktmo, director, email, status) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var o in orgs)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(municipalityIds[o.Municipality], NpgsqlDbType.Bigint);
                foreach (var v in new[] { "organisation", o.Code, o.Name, o.ShortName, o.Kind, "legal_entity", o.Inn, o.Kpp, o.Ogrn, o.Okpo, o.Oktmo, o.Director, o.Email, "active" })
                    await importer.WriteAsync(v, NpgsqlDbType.Text);
            }
            await importer.CompleteAsync();
        }
        await tx.CommitAsync();
    }

    private static List<Org> Generate(int count)
    {
        string[] kinds = ["general", "general", "preschool", "preschool", "additional", "vocational", "other"];
        var list = new List<Org>(count);
        for (var i = 1; i <= count; i++)
        {
            var s = i.ToString("D7", CultureInfo.InvariantCulture);
            var innBody = "77" + s;
            var inn = innBody + Identifiers.Inn10Control(innBody);
            var ogrnBody = "10377" + s;
            var ogrn = ogrnBody + (long.Parse(ogrnBody, CultureInfo.InvariantCulture) % 11 % 10).ToString(CultureInfo.InvariantCulture);
            var okpoBody = "6" + i.ToString("D6", CultureInfo.InvariantCulture);
            var okpo = okpoBody + Identifiers.OkpoControl(okpoBody);
            var m = (i - 1) % Municipalities + 1;
            var kind = kinds[i % kinds.Length];
            list.Add(new Org($"B{s}", $"Муниципальное бюджетное образовательное учреждение «Школа № {i}»", $"МБОУ Школа № {i}", kind,
                $"BM-{m:D2}", inn, "770101001", ogrn, okpo, $"45{m:D3}000{i % 1000:D3}", $"Иванова Мария Петровна {i}", $"oo{i}@bench.example"));
        }
        return list;
    }

    private static byte[] Xlsx(IReadOnlyList<Org> orgs)
    {
        string[] header = ["ekis_code", "name", "short_name", "kind", "legal_status", "municipality", "inn", "kpp", "ogrn", "okpo", "oktmo", "director", "email", "status"];
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add("Реестр");
        for (var c = 0; c < header.Length; c++) sheet.Cell(1, c + 1).SetValue(header[c]);
        var row = 2;
        foreach (var o in orgs)
        {
            string[] values = [o.Code, o.Name, o.ShortName, o.Kind, "legal_entity", o.Municipality, o.Inn, o.Kpp, o.Ogrn, o.Okpo, o.Oktmo, o.Director, o.Email, "active"];
            for (var c = 0; c < values.Length; c++)
            {
                var cell = sheet.Cell(row, c + 1);
                cell.SetValue(values[c]);
                cell.DataType = XLDataType.Text;
            }
            row++;
        }
        using var ms = new MemoryStream();
        workbook.SaveAs(ms);
        return ms.ToArray();
    }

    private static async Task<T> Scalar<T>(NpgsqlDataSource db, string sql)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

}
