using EKIS.Reporting.Infrastructure.Time;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Benchmarks;

/// <summary>
/// The deadline rush: many respondents each sending a full ОО-1 at once. Data prepared before the
/// measured window: a municipality of D organisations with B branches each (every one a respondent of
/// an ОО-1 campaign, its report started), one director account per organisation (a director's scope
/// covers its branches, so a client signed in once can send B + 1 reports). A complete submission is
/// the save of every section, the check and the sending.
/// </summary>
internal static class RushScenario
{
    private const string Password = "Bench-2026!";
    private static readonly Actor Bench = Actor.System("bench");

    internal sealed record Work(long ReportId, IReadOnlyList<IReadOnlyList<CellValue>> Sections);

    internal sealed record Director(string Login, AccessScope Scope, List<Work> Reports);

    private static async Task<List<Director>> PrepareAsync(NpgsqlDataSource db, CampaignScenario.BenchEnvironment env, int directors, int branches, string prefix)
    {
        var sw = Stopwatch.StartNew();
        var hash = Passwords.Hash(Password);
        var muni = $"M-{prefix}";
        await using (var tx = await db.BeginAsAsync(Bench))
        {
            await tx.Connection.ExecuteAsync("""
                INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
                SELECT r.id, 'municipality', @muni, 'Нагрузочный округ ' || @prefix, @prefix FROM ekis.org_unit r WHERE r.ekis_code = 'R-DEMO';

                INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name, kind, okpo, director)
                SELECT m.id, 'organisation', @prefix || lpad(i::text, 5, '0'), 'Средняя общеобразовательная школа № ' || i || ' (' || @prefix || ')',
                       'СОШ № ' || i || ' ' || @prefix, 'general', (@okpoBase + i)::text, 'Директорова Анна № ' || i
                FROM generate_series(1, @directors) AS i, ekis.org_unit m WHERE m.ekis_code = @muni;

                INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name, kind, okpo)
                SELECT o.id, 'branch', o.ekis_code || '-' || lpad(j::text, 2, '0'), 'Филиал ' || j || ' ' || o.short_name, 'Филиал ' || j || ' ' || o.short_name,
                       'general', o.okpo || lpad(j::text, 6, '0')
                FROM ekis.org_unit o JOIN ekis.org_unit m ON m.id = o.parent_id AND m.ekis_code = @muni, generate_series(1, @branches) AS j;

                INSERT INTO ekis.app_user (login, full_name, email, password_hash)
                SELECT lower(@prefix) || '-' || i, 'Директорова Анна № ' || i, NULL, @hash FROM generate_series(1, @directors) AS i;

                INSERT INTO ekis.role_assignment (user_id, role, org_unit_id)
                SELECT u.id, 'director', o.id FROM generate_series(1, @directors) AS i
                JOIN ekis.app_user u ON u.login = lower(@prefix) || '-' || i
                JOIN ekis.org_unit o ON o.ekis_code = @prefix || lpad(i::text, 5, '0');
                """, new { muni, prefix, directors, branches, hash, okpoBase = prefix == "RUSH" ? 70_000_000 : 80_000_000 }, tx.Transaction);
            await tx.CommitAsync();
        }
        var muniId = await CampaignScenario.ScalarAsync<long>(db, "SELECT id FROM ekis.org_unit WHERE ekis_code = @muni", new { muni });
        var today = DateOnly.FromDateTime(DateTime.Today);
        var year = prefix == "RUSH" ? today.Year - 5 : today.Year - 6;   // a campaign of its own next to the demo's
        var campaign = await new OpenCampaign(db).OpenAsync(env.Analyst, Bench,
            new OpenCampaign.Command(env.Oo1TemplateId, year, "0101", today.AddDays(30), MunicipalityIds: [muniId]));
        await using (var tx = await db.BeginAsAsync(Bench))
        {
            // What StartReport does for each respondent, set-based: the title prefilled and remembered, a draft transition.
            await tx.Connection.ExecuteAsync("""
                INSERT INTO ekis.report (campaign_id, org_unit_id, title)
                SELECT @campaign, u.id, jsonb_build_object('okpo', u.okpo, 'name', u.name, 'leader_fio', coalesce(u.director, p.director),
                       'responsible_post', 'заместитель директора', 'responsible_fio', 'Ответственная Мария', 'phone', '+7 900 000-00-00',
                       'email', 'oo' || u.ekis_code || '@bench.example')
                FROM ekis.campaign_respondent cr JOIN ekis.org_unit u ON u.id = cr.org_unit_id LEFT JOIN ekis.org_unit p ON p.id = u.parent_id
                WHERE cr.campaign_id = @campaign;
                INSERT INTO ekis.report_transition (report_id, from_status, to_status)
                SELECT id, NULL, 'draft' FROM ekis.report WHERE campaign_id = @campaign;
                """, new { campaign = campaign.CampaignId }, tx.Transaction);
            await tx.CommitAsync();
        }

        await using var conn = await db.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<(long UserId, string Login, long AssignmentId, long OrgId, long ReportId, string Code, string Name)>("""
            SELECT a.user_id, u.login, a.id, a.org_unit_id, r.id, x.ekis_code, x.short_name
            FROM ekis.role_assignment a JOIN ekis.app_user u ON u.id = a.user_id
            JOIN ekis.org_unit x ON x.id = a.org_unit_id OR x.parent_id = a.org_unit_id
            JOIN ekis.report r ON r.org_unit_id = x.id AND r.campaign_id = @campaign
            WHERE u.login LIKE lower(@prefix) || '-%'
            ORDER BY a.id, x.ekis_code
            """, new { campaign = campaign.CampaignId, prefix })).ToList();
        var result = rows.GroupBy(r => (r.UserId, r.Login, r.AssignmentId, r.OrgId)).Select(g => new Director(g.Key.Login,
            new AccessScope(g.Key.UserId, g.Key.Login, g.Key.AssignmentId, Roles.Director, g.Key.OrgId, null),
            [.. g.Select(r =>
            {
                var seed = DemoReportValues.Seed(r.Code);
                var cells = DemoReportValues.Oo1(seed, DemoReportValues.TypeOf(r.Name, seed));
                return new Work(r.ReportId, [.. cells.GroupBy(c => c.Section).Select(s => (IReadOnlyList<CellValue>)[.. s])]);
            })])).ToList();
        Console.WriteLine($"rush data ({prefix}): {result.Count} directors, {result.Sum(d => d.Reports.Count)} respondents with a started ОО-1 " +
                          $"({result.SelectMany(d => d.Reports).Average(w => w.Sections.Sum(s => s.Count)):F0} cells each on average, 4 sections), {sw.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    /// <summary>
    /// Seconds of the same rush run before the measured window and not counted (--warmup): a server at a
    /// deadline has long compiled its hot code, a child process started for the benchmark has not.
    /// </summary>
    public static int WarmupSeconds { get; set; }

    /// <summary>Each client's reports, taken one by one by the warm-up and then by the measured window.</summary>
    private static Queue<Work>[] WorkQueues(List<Director> people, int clients) =>
        [.. Enumerable.Range(0, clients).Select(c => new Queue<Work>(people.Where((_, i) => i % clients == c).SelectMany(d => d.Reports)))];

    private static IEnumerable<Work> Drain(Queue<Work> queue)
    {
        while (queue.TryDequeue(out var w)) yield return w;
    }

    private static async Task WarmUpAsync(int clients, Queue<Work>[] queues, Func<int, Work, Task<bool>> submit, ChildWebApp? web)
    {
        if (WarmupSeconds <= 0) return;
        var w = await RunWindowAsync(clients, WarmupSeconds, c => Drain(queues[c]), submit, web, report: false);
        Console.WriteLine($"  warm-up, not counted: {w.Latencies.Count} submissions in {w.Seconds:F1} s ({w.Latencies.Count / w.Seconds:F1}/s), failed {w.Failed}");
    }

    /// <summary>Clients share nothing but the pool: each works through its own directors' reports until the time is up.</summary>
    private static async Task<(List<double> Latencies, int Failed, double Seconds, bool RanOut)> RunWindowAsync(
        int clients, int seconds, Func<int, IEnumerable<Work>> workOf, Func<int, Work, Task<bool>> submit, ChildWebApp? web = null, bool report = true)
    {
        var webBefore = web?.CpuMilliseconds ?? 0;
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var ranOut = false;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var serverBefore = BackendCpu.Snapshot();
        var window = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            foreach (var w in workOf(c))
            {
                if (window.Elapsed >= deadline) return;
                var sw = Stopwatch.StartNew();
                var ok = await submit(c, w);
                if (ok) latencies.Add(sw.Elapsed.TotalMilliseconds);
                else Interlocked.Increment(ref failed);
            }
            ranOut = true;
        })).ToArray();
        await Task.WhenAll(tasks);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        var server = BackendCpu.Since(serverBefore);
        var n = Math.Max(1, latencies.Count);
        if (report)
            Console.WriteLine($"  CPU in the window: this (client) process {cpu / 1000:F1} s = {cpu / n:F1} ms per submission; " +
                          $"the database's backends {server / 1000:F1} s = {server / n:F1} ms per submission; " +
                          (web is null ? "" : $"the web app {(web.CpuMilliseconds - webBefore) / 1000:F1} s = {(web.CpuMilliseconds - webBefore) / n:F1} ms per submission; ") +
                          $"load average after: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?")}");
        return ([.. latencies], failed, window.Elapsed.TotalSeconds, ranOut);
    }

    private static void Print(string label, int clients, (List<double> Latencies, int Failed, double Seconds, bool RanOut) r)
    {
        Console.WriteLine($"{label}: {clients} clients, {r.Seconds:F1} s: {r.Latencies.Count} complete submissions " +
                          $"({r.Latencies.Count / r.Seconds:F1}/s), failed {r.Failed}{(r.RanOut ? ", a client ran out of reports before the end" : "")}");
        if (r.Latencies.Count > 0) Console.WriteLine($"  per submission: {Stats.Describe(r.Latencies)}");
    }

    // ---- slices ----------------------------------------------------------------------------------

    public static async Task RunSlicesAsync(NpgsqlDataSource db, CampaignScenario.BenchEnvironment env, int clients, int seconds, int directors, int branches)
    {
        var people = await PrepareAsync(db, env, directors, branches, "RUSH");
        var save = new SaveValues(db, new RegionClock(TimeProvider.System, new RegionOptions()));
        var check = new CheckReport(db);
        var review = new ReportReview(db, new RegionClock(TimeProvider.System, new RegionOptions()), new ReviewOptions());
        var scopeOf = people.SelectMany(d => d.Reports.Select(w => (w.ReportId, d.Scope))).ToDictionary(x => x.ReportId, x => x.Scope);
        var saveTimes = new ConcurrentBag<double>();
        var checkTimes = new ConcurrentBag<double>();
        var submitTimes = new ConcurrentBag<double>();
        async Task<bool> Submit(int _, Work w)
        {
            var scope = scopeOf[w.ReportId];
            var actor = Actor.User(scope.UserId, scope.UserName);
            var rowVersion = 1;
            var step = Stopwatch.StartNew();
            foreach (var section in w.Sections)
            {
                step.Restart();
                var saved = await save.SaveAsync(scope, actor, new SaveValues.Command(w.ReportId, rowVersion, section));
                saveTimes.Add(step.Elapsed.TotalMilliseconds);
                if (!saved.Ok) { Console.Error.WriteLine($"save {w.ReportId}: {saved.Message}"); return false; }
                rowVersion = saved.RowVersion;
            }
            step.Restart();
            var found = await check.CheckAsync(scope, w.ReportId);
            checkTimes.Add(step.Elapsed.TotalMilliseconds);
            if (found is null || found.HasErrors) { Console.Error.WriteLine($"check {w.ReportId}: errors"); return false; }
            step.Restart();
            var sent = await review.SubmitAsync(scope, actor, w.ReportId, rowVersion);
            submitTimes.Add(step.Elapsed.TotalMilliseconds);
            if (!sent.Ok) Console.Error.WriteLine($"submit {w.ReportId}: {sent.Message}");
            return sent.Ok;
        }
        var queues = WorkQueues(people, clients);
        await WarmUpAsync(clients, queues, Submit, null);
        saveTimes.Clear();
        checkTimes.Clear();
        submitTimes.Clear();
        var r = await RunWindowAsync(clients, seconds, c => Drain(queues[c]), Submit);
        Print("rush through the slices (no HTTP layer)", clients, r);
        Console.WriteLine($"  steps under load: save of a section {Stats.Describe([.. saveTimes])}");
        Console.WriteLine($"                    check            {Stats.Describe([.. checkTimes])}");
        Console.WriteLine($"                    submit           {Stats.Describe([.. submitTimes])}");
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    public static async Task RunHttpAsync(NpgsqlDataSource db, ChildWebApp web, CampaignScenario.BenchEnvironment env, int clients, int seconds, int directors, int branches)
    {
        var people = await PrepareAsync(db, env, directors, branches, "HTTP");
        // Sign-in throughput, measured on its own (password hashing is deliberately slow): as many parallel sign-ins as clients.
        var sessions = new ConcurrentDictionary<string, (HttpClient Client, string Token)>();
        var signIn = Stopwatch.StartNew();
        var signInTimes = new ConcurrentBag<double>();
        string? problem = null;
        await Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (d, _) =>
        {
            var sw = Stopwatch.StartNew();
            var client = await web.SignInAsync(d.Login, Password);
            signInTimes.Add(sw.Elapsed.TotalMilliseconds);
            if (client is null) { problem = $"sign-in of {d.Login} failed"; return; }
            var page = await client.GetAsync($"/Reports/Fill/{d.Reports[0].ReportId}");
            if (!page.IsSuccessStatusCode) { problem = $"GET /Reports/Fill answered {(int)page.StatusCode}"; return; }
            var token = ChildWebApp.Token(await page.Content.ReadAsStringAsync());
            if (token is null) { problem = "no antiforgery token on the entry page"; return; }
            sessions[d.Login] = (client, token);
        });
        var signInSeconds = signIn.Elapsed.TotalSeconds;
        Console.WriteLine($"sign-in (+ one entry page for the token) of {people.Count} directors, {clients} in parallel: {people.Count / signInSeconds:F1}/s; " +
                          $"per sign-in {Stats.Describe([.. signInTimes])}");
        if (problem is not null)
        {
            Console.WriteLine($"rush over HTTP not run: {problem}");
            return;
        }

        var ownerOf = people.SelectMany(d => d.Reports.Select(w => (w.ReportId, d.Login))).ToDictionary(x => x.ReportId, x => x.Login);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        async Task<bool> Submit(int _, Work w)
        {
            var (client, token) = sessions[ownerOf[w.ReportId]];
            var path = $"/Reports/Fill/{w.ReportId}";
            var rowVersion = 1;
            foreach (var section in w.Sections)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path + "?handler=Save")
                {
                    Content = JsonContent.Create(new
                    {
                        rowVersion,
                        cells = section.Select(c => new { section = c.Section, row = c.Row, column = c.Column, s1 = c.S1, s2 = c.S2, s3 = c.S3, value = c.Value }),
                    }, options: json),
                };
                request.Headers.Add("RequestVerificationToken", token);
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK) { Console.Error.WriteLine($"save {w.ReportId}: {(int)response.StatusCode} {body[..Math.Min(200, body.Length)]}"); return false; }
                rowVersion = JsonDocument.Parse(body).RootElement.GetProperty("rowVersion").GetInt32();
            }
            using (var request = new HttpRequestMessage(HttpMethod.Post, path + "?handler=Check"))
            {
                request.Headers.Add("RequestVerificationToken", token);
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK) { Console.Error.WriteLine($"check {w.ReportId}: {(int)response.StatusCode}"); return false; }
            }
            using (var response = await client.PostAsync(path + "?handler=Submit", new FormUrlEncodedContent(new Dictionary<string, string>
                   {
                       ["__RequestVerificationToken"] = token, ["rowVersion"] = rowVersion.ToString(CultureInfo.InvariantCulture),
                   })))
            {
                await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.SeeOther) { Console.Error.WriteLine($"submit {w.ReportId}: {(int)response.StatusCode}"); return false; }
            }
            return true;
        }
        var queues = WorkQueues(people, clients);
        await WarmUpAsync(clients, queues, Submit, web);
        var r = await RunWindowAsync(clients, seconds, c => Drain(queues[c]), Submit, web);
        Print("rush over HTTP (loopback, child web process in Release)", clients, r);
        var sent = await CampaignScenario.ScalarAsync<long>(db, """
            SELECT count(*) FROM ekis.report r JOIN ekis.org_unit u ON u.id = r.org_unit_id WHERE u.ekis_code LIKE 'HTTP%' AND r.status = 'submitted'
            """);
        Console.WriteLine($"  reports in status «submitted» afterwards: {sent}");
        foreach (var (client, _) in sessions.Values) client.Dispose();
    }
}

/// <summary>The Release build of the web app as a child process on a free loopback port, on the benchmark's database.</summary>
internal sealed partial class ChildWebApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _logs;
    private readonly Queue<string> _tail = new();

    private readonly string _state;

    private ChildWebApp(Process process, Uri address, string state)
    {
        _process = process;
        Address = address;
        _state = state;
        _logs = Path.Combine(state, "logs");
    }

    public Uri Address { get; }

    /// <summary>CPU time the web process has used so far.</summary>
    public double CpuMilliseconds
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalMilliseconds;
        }
    }

    public static async Task<ChildWebApp?> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? environment = null)
    {
        // EKIS_BENCH_WEB_ROOT: another checkout's Release build of the web app (e.g. a branch not merged yet).
        var root = Environment.GetEnvironmentVariable("EKIS_BENCH_WEB_ROOT") is { Length: > 0 } other ? other : RepositoryPaths.FindRepositoryRoot(AppContext.BaseDirectory);
        var dll = root is null ? null : Path.Combine(root, "src", "EKIS.Reporting.Web", "bin", "Release", "net10.0", "EKIS.Reporting.Web.dll");
        if (dll is null || !File.Exists(dll)) return null;
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
        }
        var state = Path.Combine(Path.GetTempPath(), $"ekis-bench-web-{Environment.ProcessId}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(root!, "src", "EKIS.Reporting.Web"),
        };
        psi.ArgumentList.Add(dll);
        psi.Environment["EKIS_DB"] = connectionString;
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        psi.Environment["EKIS_WEB_JOBS"] = "false";
        psi.Environment["EKIS_DATA_DIR"] = state;
        psi.Environment["EKIS_LOG_DIR"] = Path.Combine(state, "logs");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[name] = value;
        var process = Process.Start(psi)!;
        var app = new ChildWebApp(process, new Uri($"http://127.0.0.1:{port}"), state);
        void Keep(string? line)
        {
            if (line is null) return;
            lock (app._tail)
            {
                app._tail.Enqueue(line);
                if (app._tail.Count > 50) app._tail.Dequeue();
            }
        }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri(app.Address, "/health/ready"))).IsSuccessStatusCode) return app;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        string tail;
        lock (app._tail) tail = string.Join('\n', app._tail);
        await app.DisposeAsync();
        throw new InvalidOperationException("the web app did not become ready:\n" + tail);
    }

    /// <summary>A client signed in through the login page (cookies kept, redirects not followed), or null.</summary>
    public async Task<HttpClient?> SignInAsync(string login, string password)
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var token = Token(await client.GetStringAsync("/Account/Login"));
        if (token is null) { client.Dispose(); return null; }
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["login"] = login, ["password"] = password, ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther) return client;
        client.Dispose();
        return null;
    }

    public static string? Token(string html)
    {
        var m = TokenPattern().Match(html);
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    /// <summary>Server-side durations of the matching requests, from the web app's request log (Serilog's «responded … in … ms»).</summary>
    public IEnumerable<double> ServerTimes(string method, string path)
    {
        if (!Directory.Exists(_logs)) yield break;
        foreach (var file in Directory.GetFiles(_logs, "web-*.clef").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (!line.Contains("\"Elapsed\"", StringComparison.Ordinal)) continue;
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (e.TryGetProperty("RequestMethod", out var m) && m.GetString() == method
                    && e.TryGetProperty("RequestPath", out var p) && p.GetString() == path
                    && e.TryGetProperty("Elapsed", out var el))
                    yield return el.GetDouble();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
        // The run's data-protection keys and request logs are of no use after it.
        try { Directory.Delete(_state, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>
/// CPU time of the PostgreSQL backends serving the benchmark's database (Linux /proc; a backend's command
/// line names its database), so the rush can say how much CPU one submission costs on the server side.
/// </summary>
internal static class BackendCpu
{
    public static string Database { get; set; } = "";

    public static Dictionary<int, long> Snapshot()
    {
        var result = new Dictionary<int, long>();
        if (Database.Length == 0 || !Directory.Exists("/proc")) return result;
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (!cmd.StartsWith("postgres: ", StringComparison.Ordinal) || !cmd.Contains(" " + Database + " ", StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // utime and stime are fields 14 and 15 of /proc/[pid]/stat (11 and 12 after the command).
                result[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return result;
    }

    /// <summary>Milliseconds of CPU used since <paramref name="before"/> (clock ticks of 10 ms).</summary>
    public static double Since(Dictionary<int, long> before) =>
        Snapshot().Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key)) * 10.0;
}
