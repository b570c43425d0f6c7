using EKIS.Reporting.Infrastructure.Time;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Hosting;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Templates.Checking;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EKIS.Reporting.Benchmarks;

/// <summary>
/// Issue 6's campaign benchmarks against a real PostgreSQL (EKIS_TEST_DB, else a throw-away embedded
/// cluster; a database is created for the run and dropped after it), on the demo region with its demo
/// campaigns:
/// <list type="bullet">
/// <item><c>save</c> — SaveValues of a whole section (ОО-1's largest, 104 cells, and a 312-cell section of a
/// widened ОО-1), every value changing, against a bare batched upsert of the same cells (the floor);</item>
/// <item><c>check</c> — CheckReport end to end (load + check) of a full ОО-1 and the engine alone;</item>
/// <item><c>entry</c> — the entry page of the largest section in a child web process (Release build), signed in as the demo director;</item>
/// <item><c>rush</c> / <c>rush-http</c> — the deadline rush: concurrent clients each submitting full ОО-1 reports
/// (save every section, check, send), through the slices or over HTTP to the child web process.</item>
/// </list>
/// </summary>
public static class CampaignScenario
{
    private static readonly Actor Bench = Actor.System("bench");

    public static async Task<int> RunAsync(string[] args)
    {
        var parts = (BenchArgs.String(args, "--only") ?? "save,check,entry,rush,rush-http").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await using var bench = await BenchDatabase.CreateAsync();
        var (server, dbName) = (bench.Server, bench.Name);
        BackendCpu.Database = dbName;
        // --pg-options "-c jit=off": server settings for the run's connections (to test a setting without touching the cluster).
        // --npgsql "Max Auto Prepare=50": extra connection-string settings, for the run's connections and the child web app.
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = dbName, MaxPoolSize = 100, Options = BenchArgs.String(args, "--pg-options") };
        if (BenchArgs.String(args, "--npgsql") is { } extra)
            foreach (var kv in new NpgsqlConnectionStringBuilder(extra)) builder[kv.Key] = kv.Value;
        var cs = builder.ConnectionString;
        await new Migrator(cs, NullLogger.Instance).MigrateAsync();
        // The application's own data source settings (automatic preparation, no reset on close) unless --npgsql says otherwise.
        await using var db = EkisCoreRegistration.CreateDataSource(cs);
        var sw = Stopwatch.StartNew();
        await new SeedDemo(db).RunAsync(Bench);
        var demo = await new SeedDemoCampaigns(db, TimeProvider.System).RunAsync(Bench);
        Console.WriteLine($"demo region and campaigns: {demo.CampaignsOpened} campaigns, {demo.Reports} reports, {sw.Elapsed.TotalSeconds:F1} s");
        var env = await BenchEnvironment.LoadAsync(db);
        RushScenario.WarmupSeconds = BenchArgs.Int(args, "--warmup", 0);
        if (parts.Contains("save")) await SaveAsync(db, env, BenchArgs.Int(args, "--saves", 200));
        if (parts.Contains("check")) await CheckAsync(db, env, BenchArgs.Int(args, "--checks", 500));
        if (parts.Contains("rush"))
            await RushScenario.RunSlicesAsync(db, env, BenchArgs.Int(args, "--clients", 16), BenchArgs.Int(args, "--seconds", 60),
                BenchArgs.Int(args, "--directors", 300), BenchArgs.Int(args, "--branches", 24));
        if (parts.Contains("entry") || parts.Contains("rush-http"))
        {
            // --web-env Name=Value[;Name=Value]: extra environment of the child web app (e.g. a log level, to measure its cost).
            var webEnv = (BenchArgs.String(args, "--web-env") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
            await using var web = await ChildWebApp.StartAsync(cs, webEnv);
            if (web is null)
                Console.WriteLine("entry / rush-http: the Release build of EKIS.Reporting.Web was not found — run `dotnet build -c Release src/EKIS.Reporting.Web` first");
            else
            {
                if (parts.Contains("entry")) await EntryPageAsync(web, env, BenchArgs.Int(args, "--pages", 100));
                if (parts.Contains("rush-http"))
                    await RushScenario.RunHttpAsync(db, web, env, BenchArgs.Int(args, "--clients", 16), BenchArgs.Int(args, "--seconds", 60),
                        BenchArgs.Int(args, "--directors", 300), BenchArgs.Int(args, "--branches", 24));
            }
        }
        return 0;
    }

    /// <summary>The demo's people and reports the scenarios act on.</summary>
    internal sealed record BenchEnvironment(AccessScope Analyst, AccessScope Operator, AccessScope Director, long School1, long Oo1TemplateId,
        long DirectorOo1Report, long SubmittedOo1Report)
    {
        public static async Task<BenchEnvironment> LoadAsync(NpgsqlDataSource db)
        {
            await using var conn = await db.OpenConnectionAsync();
            async Task<AccessScope> Scope(string login)
            {
                var x = await conn.QuerySingleAsync<(long UserId, string Name, long AssignmentId, string Role, long? Unit)>("""
                    SELECT u.id, u.full_name, a.id, a.role, a.org_unit_id FROM ekis.app_user u
                    JOIN ekis.role_assignment a ON a.user_id = u.id AND a.status = 'active' WHERE u.login = @login
                    """, new { login });
                return new AccessScope(x.UserId, x.Name, x.AssignmentId, x.Role, x.Unit, null);
            }
            async Task<long> Report(string code, string status) => await conn.ExecuteScalarAsync<long>("""
                SELECT r.id FROM ekis.report r JOIN ekis.org_unit u ON u.id = r.org_unit_id JOIN ekis.campaign c ON c.id = r.campaign_id
                JOIN ekis.template_version t ON t.id = c.template_version_id
                WHERE u.ekis_code = @code AND t.file_name = 'oo-1.xml' AND r.status = @status
                """, new { code, status });
            return new BenchEnvironment(await Scope("analyst"), await Scope("operator"), await Scope("director"),
                await conn.ExecuteScalarAsync<long>("SELECT id FROM ekis.org_unit WHERE ekis_code = '100001'"),
                await conn.ExecuteScalarAsync<long>("SELECT id FROM ekis.template_version WHERE file_name = 'oo-1.xml'"),
                await Report("100001", ReportStatus.Draft), await Report("100002", ReportStatus.Submitted));
        }
    }

    // ---- a. saving a section ---------------------------------------------------------------------

    private static async Task SaveAsync(NpgsqlDataSource db, BenchEnvironment env, int saves)
    {
        // ОО-1's largest section as shipped: 2.1.1, 8 rows × 13 columns.
        await SaveSectionAsync(db, env, env.DirectorOo1Report, "ОО-1 section 2.1.1", Section211(8), saves);

        // A section of ~300 cells: the same form with 2.1.1 widened to 24 rows (312 cells), as a separate template version.
        var xml = ShippedTemplates.Read(ShippedTemplates.Oo1);
        var start = xml.IndexOf("<row code=\"01\" type=\"F\" name=\"Классы (кроме указанных ниже), ед\"/>", StringComparison.Ordinal);
        var end = xml.IndexOf("<row code=\"08\" type=\"F\" name=\"обучающиеся в них, чел\"/>", StringComparison.Ordinal);
        end = xml.IndexOf("/>", end, StringComparison.Ordinal) + 2;
        var rows = string.Join("\n        ", Enumerable.Range(1, 24).Select(i =>
            $"<row code=\"{i:00}\" type=\"F\" name=\"{(i % 2 == 1 ? "Классы, ед" : "обучающиеся в них, чел")} ({i})\"/>"));
        var wide = xml[..start] + rows + xml[end..];
        wide = wide.Replace("version=\"20-09-2025\"", "version=\"20-09-2025-bench312\"", StringComparison.Ordinal);
        var tv = await new TemplateVersions(db).LoadAsync(Bench, "oo-1-bench312.xml", wide);
        var campaign = await new OpenCampaign(db).OpenAsync(env.Analyst, Bench, new OpenCampaign.Command(tv.Id, DateTime.Today.Year, "0101",
            DateOnly.FromDateTime(DateTime.Today).AddDays(30), MunicipalityIds: [await ScalarAsync<long>(db, "SELECT id FROM ekis.org_unit WHERE ekis_code = 'M-SEV'")],
            Kinds: ["general"]));
        var report = (await new StartReport(db).StartAsync(env.Director, Bench, campaign.CampaignId, env.School1))!.Value;
        await SaveSectionAsync(db, env, report, "widened ОО-1 section 2.1.1", Section211(24), saves);
    }

    private static List<(string Row, string Column)> Section211(int rows) =>
        [.. from r in Enumerable.Range(1, rows) from c in Enumerable.Range(3, 13) select (r.ToString("00", CultureInfo.InvariantCulture), c.ToString(CultureInfo.InvariantCulture))];

    private static async Task SaveSectionAsync(NpgsqlDataSource db, BenchEnvironment env, long reportId, string label, List<(string Row, string Column)> addresses, int saves)
    {
        var save = new SaveValues(db, new RegionClock(TimeProvider.System, new RegionOptions()));
        var values = new ReportValues(db);
        var director = Actor.User(env.Director.UserId, env.Director.UserName);
        List<CellValue> Cells(int i) => [.. addresses.Select((a, k) => new CellValue("2.1.1", a.Row, a.Column, ((k * 7 + i) % 900 + 1).ToString("N0", Ru)))];
        var rowVersion = (await values.GetAsync(env.Director, reportId))!.Head.RowVersion;
        async Task<double> One(int i, List<CellValue> cells)
        {
            var sw = Stopwatch.StartNew();
            var r = await save.SaveAsync(env.Director, director, new SaveValues.Command(reportId, rowVersion, cells));
            var ms = sw.Elapsed.TotalMilliseconds;
            if (!r.Ok) throw new InvalidOperationException($"save {i}: {r.Outcome} {r.Message} {r.Errors?.FirstOrDefault()?.Message}");
            rowVersion = r.RowVersion;
            return ms;
        }
        for (var i = 0; i < 20; i++) await One(i, Cells(i));
        // Markers for the server log (with --pg-options "-c log_min_duration_statement=0" each phase's statements can be told apart).
        await ScalarAsync<string>(db, $"SELECT 'bench phase: {label}, every cell changed'");
        var all = new List<double>();
        for (var i = 20; i < 20 + saves; i++) all.Add(await One(i, Cells(i)));
        // The usual autosave: the whole section sent, one cell changed.
        await ScalarAsync<string>(db, $"SELECT 'bench phase: {label}, one cell changed'");
        var one = new List<double>();
        for (var i = 0; i < saves; i++)
        {
            var cells = Cells(20 + saves - 1);
            cells[i % cells.Count] = cells[i % cells.Count] with { Value = (100_000 + i).ToString(CultureInfo.InvariantCulture) };
            one.Add(await One(i, cells));
        }

        // The floor: the same cells (ids resolved once, outside the timing) upserted in one statement, values changing likewise.
        int[] ids;
        await using (var conn = await db.OpenConnectionAsync())
        {
            ids = [.. await conn.QueryAsync<int>("""
                SELECT tc.cell_id FROM unnest(@rows::text[], @cols::text[]) WITH ORDINALITY AS a (r, c, n)
                JOIN ekis.report r ON r.id = @reportId JOIN ekis.campaign k ON k.id = r.campaign_id
                JOIN ekis.template_cell tc ON tc.template_version_id = k.template_version_id AND tc.section = '2.1.1'
                     AND tc.row_code = a.r AND tc.column_code = a.c AND tc.s1 IS NULL
                ORDER BY a.n
                """, new { reportId, rows = addresses.Select(a => a.Row).ToArray(), cols = addresses.Select(a => a.Column).ToArray() })];
        }
        if (ids.Length != addresses.Count) throw new InvalidOperationException("cell ids not resolved");
        async Task<double> Floor(int i)
        {
            var vals = ids.Select((_, k) => (decimal)((k * 7 + i) % 900 + 1)).ToArray();
            var sw = Stopwatch.StartNew();
            await using var conn = await db.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO ekis.report_value (report_id, cell_id, value)
                SELECT $1, i.cell_id, i.value FROM unnest($2::int[], $3::numeric[]) AS i (cell_id, value)
                ON CONFLICT (report_id, cell_id) DO UPDATE SET value = EXCLUDED.value
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = reportId });
            cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
            cmd.Parameters.Add(new NpgsqlParameter { Value = vals });
            await cmd.ExecuteNonQueryAsync();
            return sw.Elapsed.TotalMilliseconds;
        }
        await ScalarAsync<string>(db, $"SELECT 'bench phase: {label}, floor'");
        for (var i = 0; i < 20; i++) await Floor(5000 + i);
        var floor = new List<double>();
        for (var i = 0; i < saves; i++) floor.Add(await Floor(6000 + i));

        Console.WriteLine($"save {label}, {addresses.Count} cells, {saves} saves each:");
        Console.WriteLine($"  SaveValues, every cell changed: {Stats.Describe(all)}; ratio to floor p50 {Stats.Median(all) / Stats.Median(floor):F1}, p95 {Stats.P95(all) / Stats.P95(floor):F1}");
        Console.WriteLine($"  SaveValues, one cell changed:   {Stats.Describe(one)}");
        Console.WriteLine($"  bare batched upsert (floor):    {Stats.Describe(floor)}");
    }

    private static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    // ---- b. full check ---------------------------------------------------------------------------

    private static async Task CheckAsync(NpgsqlDataSource db, BenchEnvironment env, int runs)
    {
        var check = new CheckReport(db);
        var values = new ReportValues(db);
        var id = env.SubmittedOo1Report;
        var loaded = (await values.GetAsync(env.Operator, id))!;
        var result = ReportChecker.Check(loaded.Template, loaded.Model, null);
        if (result.All.Any()) throw new InvalidOperationException("the demo's submitted ОО-1 should be clean: " + result.All.First().Message);

        var endToEnd = await Stats.TimeAsync(runs, async () => { _ = await check.CheckAsync(env.Operator, id); });
        var load = await Stats.TimeAsync(runs, async () => { _ = await values.GetAsync(env.Operator, id); });
        var engine = await Stats.TimeAsync(runs * 10, () => { _ = ReportChecker.Check(loaded.Template, loaded.Model, null); return Task.CompletedTask; });
        Console.WriteLine($"check ОО-1 ({loaded.Cells.Count} filled cells, {loaded.Template.Controls.Count} controls), operator's scope:");
        Console.WriteLine($"  CheckReport end to end (load + previous period + check): {Stats.Describe(endToEnd)}");
        Console.WriteLine($"  ReportValues.GetAsync (load only):                      {Stats.Describe(load)}");
        Console.WriteLine($"  engine only (ReportChecker.Check on the loaded model):  {Stats.Describe(engine, "F3")}");
    }

    // ---- c. entry page ---------------------------------------------------------------------------

    private static async Task EntryPageAsync(ChildWebApp web, BenchEnvironment env, int pages)
    {
        using var client = await web.SignInAsync("director", DemoAccounts.Password)
            ?? throw new InvalidOperationException("the demo director could not sign in");
        var path = $"/Reports/Fill/{env.DirectorOo1Report}";
        var probe = await client.GetAsync(path + "?section=2.1.1");
        if (!probe.IsSuccessStatusCode)
        {
            Console.WriteLine($"entry page: GET {path}?section=2.1.1 answered {(int)probe.StatusCode} — the page is not in this build; skipped");
            return;
        }
        var html = await probe.Content.ReadAsStringAsync();
        var times = await Stats.TimeAsync(pages, async () =>
        {
            using var r = await client.GetAsync(path + "?section=2.1.1");
            r.EnsureSuccessStatusCode();
            await r.Content.ReadAsStringAsync();
        });
        var server = web.ServerTimes("GET", path).TakeLast(pages).ToList();
        Console.WriteLine($"entry page {path}?section=2.1.1 ({html.Length / 1024.0:F0} KB of HTML), {pages} requests after {Stats.WarmUp} warm-ups:");
        Console.WriteLine($"  client round trip on loopback: {Stats.Describe(times)}");
        Console.WriteLine(server.Count > 0
            ? $"  server time (request log):     {Stats.Describe(server)}"
            : "  server time: not found in the request log");
    }

    internal static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, object? args = null)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value: " + sql);
    }


}

/// <summary>Medians and 95th percentiles of timings in milliseconds.</summary>
internal static class Stats
{
    public const int WarmUp = 10;

    public static double Median(IReadOnlyList<double> xs) => Percentile(xs, 0.5);
    public static double P95(IReadOnlyList<double> xs) => Percentile(xs, 0.95);

    public static double Percentile(IReadOnlyList<double> xs, double p)
    {
        var sorted = xs.OrderBy(x => x).ToArray();
        if (sorted.Length == 0) return double.NaN;
        var rank = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static string Describe(IReadOnlyList<double> xs, string format = "F2") =>
        $"p50 {Median(xs).ToString(format, CultureInfo.InvariantCulture)} ms, p95 {P95(xs).ToString(format, CultureInfo.InvariantCulture)} ms, " +
        $"mean {xs.Average().ToString(format, CultureInfo.InvariantCulture)} ms, max {xs.Max().ToString(format, CultureInfo.InvariantCulture)} ms (n = {xs.Count})";

    public static async Task<List<double>> TimeAsync(int n, Func<Task> action)
    {
        for (var i = 0; i < WarmUp; i++) await action();
        var times = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return times;
    }
}
