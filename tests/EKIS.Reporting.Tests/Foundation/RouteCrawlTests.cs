using System.Globalization;
using System.Net;
using System.Text;
using Dapper;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>
/// Issue 10, point 7: every route the app maps × every demo role and anonymous → 200, 403 or 404
/// (a redirect to sign-in for anonymous, 400 for malformed input), never 500. Routes come from the
/// app's own endpoint data source, so a new page is crawled without touching this test; route and
/// query parameters are filled with real ids of the demo (in and outside the role's scope), a
/// nonsense id and hostile query strings. Every page handler is also POSTed without the
/// antiforgery token: 400 (or the 403 / sign-in redirect of a role that may not open the page).
/// </summary>
[NonParallelizable]
public sealed class RouteCrawlTests
{
    private EkisWebFactory _web = null!;
    private List<Route> _routes = null!;
    private Dictionary<string, List<string>> _ids = null!;

    /// <summary>One GET or POST target: a route pattern, a handler and the parameters it binds from the query.</summary>
    private sealed record Route(string Pattern, string Method, string? Handler, IReadOnlyList<(string Name, Type Type)> QueryParameters,
        bool IgnoresAntiforgery, bool IsHealth)
    {
        /// <summary>The page (or endpoint) behind the pattern: an Index page has two patterns («Campaigns/Index», «Campaigns»), crawled once.</summary>
        public string Target { get; init; } = Pattern;
    }

    public static IEnumerable<string> Roles() => ["admin", "analyst", "operator", "director", "teacher", "director7", "anonymous"];

    [OneTimeSetUp]
    public async Task SeedDemoAndDiscoverRoutesAsync()
    {
        await TestDatabase.ResetAsync();
        var db = TestDatabase.DataSource;
        await new SeedDemo(db).RunAsync(Actor.Cli);
        // The web app runs on the real clock, so the demo campaigns are dated from today, as on a first start.
        await new SeedDemoCampaigns(db, TimeProvider.System).RunAsync(Actor.Cli);
        await AddProposalsAsync();
        _web = new EkisWebFactory();
        _routes = await DiscoverAsync(_web.Services);
        _ids = await DemoIdsAsync();
        Assert.That(_routes.Count(r => r.Method == "GET"), Is.GreaterThan(30), "the crawl found the app's pages");
    }

    [OneTimeTearDown]
    public void StopWeb() => _web?.Dispose();

    [TestCaseSource(nameof(Roles))]
    public async Task No_route_answers_500_for(string role)
    {
        var anonymous = role == "anonymous";
        var client = anonymous ? TestAccounts.Client(_web) : await TestAccounts.SignInAsync(_web, role, DemoAccounts.Password);
        var problems = new List<string>();
        var requests = 0;

        foreach (var route in _routes.Where(r => r.Method == "GET"))
        {
            foreach (var url in GetUrls(route, anonymous))
            {
                requests++;
                var response = await client.GetAsync(url);
                if (Problem(route, response, anonymous, post: false) is { } p)
                    problems.Add($"GET {url} → {(int)response.StatusCode} {p}{await ExcerptAsync(response)}");
                else if (await ShowsActorKeyAsync(response))
                    problems.Add($"GET {url} shows an internal actor id (system:…) instead of a name (issue 10, point 16)");
            }
        }
        foreach (var route in _routes.Where(r => r.Method == "POST"))
        {
            var url = Fill(route, FirstIds(route)) + (route.Handler is null ? "" : "?handler=" + route.Handler);
            requests++;
            var response = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["comment"] = "crawl", ["reason"] = "crawl" }));
            if (Problem(route, response, anonymous, post: true) is { } p)
                problems.Add($"POST {url} (no antiforgery token) → {(int)response.StatusCode} {p}{await ExcerptAsync(response)}");
        }

        // Still signed in (no crawled GET signs out), so the crawl covered what the role sees.
        if (!anonymous)
            Assert.That((await client.GetAsync("/Account/ChangePassword")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "still signed in after the crawl");
        TestContext.Out.WriteLine($"{role}: {requests} requests");
        Assert.That(problems, Is.Empty, $"{problems.Count} of {requests} requests answered wrongly:\n" + string.Join("\n", problems));
    }

    /// <summary>Null when the answer is one the route may give, else what is wrong with it.</summary>
    private static string? Problem(Route route, HttpResponseMessage response, bool anonymous, bool post)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.ToString() ?? "";
        if (route.IsHealth) return status is 200 or 503 ? null : "(health answers 200 or 503)";
        if (status >= 500) return "(server error)";
        var toSignIn = status == 302 && location.Contains("/Account/Login", StringComparison.Ordinal);
        if (post && !route.IgnoresAntiforgery)
        {
            var ok = status is 400 or 403 || (anonymous && (toSignIn || status == 401)) || (!anonymous && status == 302 && location.Contains("/Account/ChooseRole", StringComparison.Ordinal));
            return ok ? null : "(expected 400 without the antiforgery token, or 403 / sign-in)";
        }
        // 410: a password link that is used up or unknown says so.
        if (status is 200 or 400 or 403 or 404 or 410) return null;
        if (anonymous && (toSignIn || status == 401)) return null;
        // A page may send a signed-in person elsewhere in the app (a default section, a chosen role), never off-site.
        if (status is 301 or 302 or 303 && location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal)
            && !location.StartsWith("/\\", StringComparison.Ordinal))
            return null;
        return "(expected 200, 403 or 404)";
    }

    /// <summary>The demo is written by system:cli; a page or JSON answer that shows authors must show them in words.</summary>
    private static async Task<bool> ShowsActorKeyAsync(HttpResponseMessage response)
    {
        var type = response.Content.Headers.ContentType?.MediaType ?? "";
        if (response.StatusCode != HttpStatusCode.OK || !(type.Contains("html", StringComparison.Ordinal) || type.Contains("json", StringComparison.Ordinal)))
            return false;
        var text = await response.Content.ReadAsStringAsync();
        return text.Contains("system:", StringComparison.Ordinal);
    }

    private static async Task<string> ExcerptAsync(HttpResponseMessage response)
    {
        if ((int)response.StatusCode < 500) return "";
        var body = await response.Content.ReadAsStringAsync();
        return "\n    " + (body.Length > 600 ? body[..600] : body).Replace('\n', ' ');
    }

    // ---- URLs ----

    /// <summary>Hostile values for any query parameter, by its type; unknown parameters ride along.</summary>
    private static readonly string LongText = new('я', 5000);

    private IEnumerable<string> GetUrls(Route route, bool anonymous)
    {
        var handler = route.Handler is null ? "" : "handler=" + Uri.EscapeDataString(route.Handler);
        var first = FirstIds(route);
        var urls = new List<string> { Join(Fill(route, first), handler) };

        // Every real id (in and outside the role's scope) and nonsense ones, for every id-like parameter.
        if (!anonymous)
        {
            foreach (var name in RouteParameters(route).Concat(route.QueryParameters.Where(IsIdParameter).Select(p => p.Name)))
            {
                foreach (var value in CandidateIds(route, name).Skip(1).Concat(Nonsense))
                {
                    var ids = new Dictionary<string, string>(first) { [name] = value };
                    var inRoute = RouteParameters(route).Contains(name);
                    var query = inRoute ? handler : string.Join('&', new[] { handler, $"{name}={Uri.EscapeDataString(value)}" }.Where(q => q.Length > 0));
                    urls.Add(Join(Fill(route, ids), query));
                }
            }
        }

        // Two hostile query strings: out-of-range paging, junk sorting, markup, very long values, unknown parameters.
        foreach (var variant in new[] { 0, 1 })
        {
            var query = new List<string> { handler };
            var names = route.QueryParameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, type) in route.QueryParameters)
                query.Add($"{name}={Uri.EscapeDataString(Junk(type, variant))}");
            foreach (var (name, value) in variant == 0
                ? new[] { ("page", "-1"), ("sort", "junk"), ("desc", "maybe"), ("q", "<script>alert(1)</script>"), ("unknown", "1") }
                : new[] { ("page", "999999"), ("sort", "';--"), ("desc", "2"), ("q", LongText), ("pageSize", "100000"), ("x[]", "%00") })
                if (!names.Contains(name)) query.Add($"{name}={Uri.EscapeDataString(value)}");
            urls.Add(Join(Fill(route, first), string.Join('&', query.Where(q => q.Length > 0))));
        }
        return urls.Distinct();
    }

    private static string Junk(Type type, int variant)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (IsId(t)) return variant == 0 ? "-1" : "99999999999999999999";
        if (t == typeof(bool)) return variant == 0 ? "maybe" : "2";
        if (t == typeof(DateOnly) || t == typeof(DateTime)) return variant == 0 ? "31.02.2026" : "9999-99-99";
        return variant == 0 ? "<script>alert(1)</script>" : LongText + "'\"";
    }

    private static bool IsId(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(long) || t == typeof(int));

    /// <summary>A number that names a thing (<c>id</c>, <c>campaignId</c>, <c>municipality</c>), not a page number or a count.</summary>
    private static bool IsIdParameter((string Name, Type Type) p) =>
        IsId(p.Type) && (p.Name.Equals("id", StringComparison.OrdinalIgnoreCase) || p.Name.EndsWith("Id", StringComparison.Ordinal)
                         || p.Name is "campaign" or "municipality" or "group" or "survivor");

    private static readonly string[] Nonsense = ["0", "-1", "999999999"];

    private static string Join(string path, string query) => query.Length == 0 ? path : path + (path.Contains('?') ? "&" : "?") + query;

    private static IEnumerable<string> RouteParameters(Route route) =>
        RoutePatternFactory.Parse(route.Pattern).Parameters.Select(p => p.Name);

    private Dictionary<string, string> FirstIds(Route route) =>
        RouteParameters(route).Concat(route.QueryParameters.Where(IsIdParameter).Select(p => p.Name))
            .Distinct().ToDictionary(n => n, n => CandidateIds(route, n).FirstOrDefault() ?? "1");

    /// <summary>The route with its parameters filled in (catch-all parameters left empty).</summary>
    private static string Fill(Route route, IReadOnlyDictionary<string, string> values)
    {
        var pattern = RoutePatternFactory.Parse(route.Pattern);
        var sb = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            var text = new StringBuilder();
            foreach (var part in segment.Parts)
            {
                text.Append(part switch
                {
                    RoutePatternLiteralPart l => l.Content,
                    RoutePatternSeparatorPart s => s.Content,
                    RoutePatternParameterPart p when p.IsCatchAll => "",
                    RoutePatternParameterPart p => Uri.EscapeDataString(values.GetValueOrDefault(p.Name) ?? "1"),
                    _ => "",
                });
            }
            if (text.Length > 0) sb.Append('/').Append(text);
        }
        return sb.Length == 0 ? "/" : sb.ToString();
    }

    /// <summary>
    /// Real ids for a parameter: what kind of thing it names is read from its name, and for a bare
    /// <c>id</c> from the page's folder; anything unknown gets ids of every kind.
    /// </summary>
    private List<string> CandidateIds(Route route, string name)
    {
        var path = route.Pattern.ToLowerInvariant();
        var kind = name.ToLowerInvariant() switch
        {
            "campaign" or "campaignid" => "campaign",
            "reportid" => "report",
            "orgunitid" or "unitid" or "municipality" or "municipalityid" or "survivor" => "unit",
            "assignmentid" => "assignment",
            "userid" => "user",
            "group" or "groupid" => "group",
            "id" when path.StartsWith("reports/", StringComparison.Ordinal) || path.StartsWith("review/", StringComparison.Ordinal) => "report",
            "id" when path.StartsWith("campaigns/", StringComparison.Ordinal) => "campaign",
            "id" when path.StartsWith("admin/users", StringComparison.Ordinal) => "user",
            "id" when path.StartsWith("staff", StringComparison.Ordinal) => "assignment",
            "id" when path.StartsWith("registry/proposal", StringComparison.Ordinal) => "proposal",
            "id" when path.StartsWith("org", StringComparison.Ordinal) || path.StartsWith("registry", StringComparison.Ordinal) => "unit",
            _ => "any",
        };
        return _ids[kind];
    }

    // ---- Discovery ----

    private static async Task<List<Route>> DiscoverAsync(IServiceProvider services)
    {
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var loader = services.GetRequiredService<PageLoader>();
        var routes = new List<Route>();
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                var ignores = compiled.HandlerTypeInfo.IsDefined(typeof(IgnoreAntiforgeryTokenAttribute), inherit: true);
                var bound = compiled.BoundProperties.OfType<PageBoundPropertyDescriptor>()
                    .Where(p => p.BindingInfo?.RequestPredicate is null || p.BindingInfo.RequestPredicate(FakeGet))
                    .Where(p => IsSimple(p.ParameterType))
                    .Select(p => (p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType));
                foreach (var h in compiled.HandlerMethods)
                {
                    var parameters = h.Parameters
                        .Where(p => IsSimple(p.ParameterType) && p.BindingInfo?.BindingSource != BindingSource.Body && p.ParameterType != typeof(CancellationToken))
                        .Select(p => (p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType))
                        .Where(p => !RoutePatternFactory.Parse(pattern).Parameters.Any(r => string.Equals(r.Name, p.Item1, StringComparison.OrdinalIgnoreCase)))
                        .Concat(string.Equals(h.HttpMethod, "GET", StringComparison.OrdinalIgnoreCase) ? bound : [])
                        .DistinctBy(p => p.Item1.ToLowerInvariant())
                        .ToList();
                    routes.Add(new Route(pattern, h.HttpMethod.ToUpperInvariant(), h.Name, parameters, ignores, false) { Target = page.ViewEnginePath });
                }
                if (!compiled.HandlerMethods.Any(h => string.Equals(h.HttpMethod, "GET", StringComparison.OrdinalIgnoreCase)))
                    routes.Add(new Route(pattern, "GET", null, [], ignores, false) { Target = page.ViewEnginePath });
            }
            else
            {
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
                if (methods is { Count: > 0 } && !methods.Contains("GET")) continue;
                var isHealth = endpoint.Metadata.Any(m => m.GetType().Name.Contains("HealthCheck", StringComparison.Ordinal))
                    || pattern.StartsWith("/health", StringComparison.Ordinal);
                routes.Add(new Route(pattern, "GET", null, [], false, isHealth));
            }
        }
        return routes.OrderBy(r => r.Pattern.Length).DistinctBy(r => (r.Target.ToLowerInvariant(), r.Method, r.Handler)).OrderBy(r => r.Pattern, StringComparer.Ordinal).ToList();
    }

    private static readonly HttpContext FakeGetContext = new DefaultHttpContext { Request = { Method = "GET" } };
    private static readonly ActionContext FakeGet = new() { HttpContext = FakeGetContext };

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(Guid);
    }

    // ---- Demo data ----

    /// <summary>Two pending registry proposals (the demo has none): one in each demo municipality.</summary>
    private static async Task AddProposalsAsync()
    {
        await using var tx = await TestDatabase.DataSource.BeginAsAsync(Actor.Cli);
        await tx.Connection.ExecuteAsync("""
            INSERT INTO ekis.registry_proposal (org_unit_id, changes, original)
            SELECT id, '{"phone": "+7 900 000-00-01"}'::jsonb, jsonb_build_object('phone', phone) FROM ekis.org_unit WHERE ekis_code IN ('100001', '300001')
            """, transaction: tx.Transaction);
        await tx.CommitAsync();
    }

    private static async Task<Dictionary<string, List<string>>> DemoIdsAsync()
    {
        await using var conn = await TestDatabase.DataSource.OpenConnectionAsync();
        async Task<List<string>> Ids(string sql) => (await conn.QueryAsync<long>(sql)).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var ids = new Dictionary<string, List<string>>
        {
            // One report per municipality × status × version (so each role meets reports inside and outside its scope).
            ["report"] = await Ids("""
                SELECT min(r.id) FROM ekis.report r JOIN ekis.org_unit u ON u.id = r.org_unit_id
                GROUP BY r.campaign_id, u.parent_id, r.status, r.version ORDER BY min(r.id) LIMIT 40
                """),
            ["campaign"] = await Ids("SELECT id FROM ekis.campaign ORDER BY id"),
            ["unit"] = await Ids("""
                SELECT id FROM ekis.org_unit WHERE ekis_code IN ('100001', '100002', '300001', 'M-SEV', 'M-OZR', 'R-DEMO')
                   OR id IN (SELECT min(id) FROM ekis.org_unit WHERE level = 'branch') ORDER BY ekis_code = '100001' DESC, id
                """),
            ["user"] = await Ids("SELECT id FROM ekis.app_user ORDER BY id"),
            ["assignment"] = await Ids("SELECT id FROM ekis.role_assignment ORDER BY id"),
            ["proposal"] = await Ids("SELECT id FROM ekis.registry_proposal ORDER BY id"),
            ["group"] = await Ids("SELECT id FROM ekis.org_group ORDER BY id LIMIT 3"),
        };
        Assert.That(ids.Where(kv => kv.Key != "group").Select(kv => kv.Value.Count), Has.All.GreaterThan(0), "the demo has every kind of id");
        ids["any"] = ids.Values.SelectMany(v => v.Take(3)).Distinct().ToList();
        return ids;
    }
}
