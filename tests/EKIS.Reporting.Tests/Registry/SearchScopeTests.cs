using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>
/// Issue 4 (search budget): SearchRegistry does not walk the tree for regional and municipal roles;
/// for every demo role it must list exactly the respondents ekis.units_in_scope gives — no more (a
/// leak), no fewer — with and without the municipality filter, and offer the same municipalities.
/// </summary>
public sealed class SearchScopeTests : DatabaseTest
{
    protected override bool StartsFromDemo => true;

    private sealed record Assignment(long UserId, long Id, string Role, long? OrgUnitId);

    private static async Task<AccessScope> ScopeOfAsync(string login)
    {
        await using var conn = await Db.OpenConnectionAsync();
        var a = await conn.QueryFirstAsync<Assignment>("""
            SELECT r.user_id AS UserId, r.id, r.role, r.org_unit_id AS OrgUnitId
            FROM ekis.role_assignment r JOIN ekis.app_user u ON u.id = r.user_id
            WHERE u.login = @login AND r.status = 'active'
            ORDER BY r.id
            """, new { login });
        return new AccessScope(a.UserId, login, a.Id, a.Role, a.OrgUnitId, null);
    }

    private static async Task<List<long>> ListedAsync(AccessScope scope, long? municipality = null)
    {
        var search = new SearchRegistry(Db);
        var ids = new List<long>();
        for (var page = 1; ; page++)
        {
            var result = await search.RunAsync(scope, new SearchRegistry.Query(MunicipalityId: municipality, Page: page, PageSize: 200));
            ids.AddRange(result.Items.Select(i => i.Id));
            Assert.That(result.Total, Is.GreaterThanOrEqualTo(ids.Count));
            if (page >= result.Pages) return ids;
        }
    }

    private static async Task<List<long>> InScopeAsync(AccessScope scope, long? municipality = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<long>("""
            SELECT u.id FROM ekis.org_unit u
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            JOIN ekis.org_unit p ON p.id = u.parent_id
            WHERE u.level IN ('organisation', 'branch')
              AND (@municipality::bigint IS NULL OR @municipality = CASE WHEN u.level = 'branch' THEN p.parent_id ELSE p.id END)
            """, new { role = scope.Role, unit = scope.OrgUnitId, municipality })).ToList();
    }

    [TestCase("admin")]
    [TestCase("analyst")]
    [TestCase("operator")]
    [TestCase("director")]
    [TestCase("teacher")]
    [TestCase("director7")]
    public async Task The_search_lists_exactly_the_respondents_in_the_roles_scope(string login)
    {
        var scope = await ScopeOfAsync(login);
        var sev = await TestAccounts.UnitIdAsync(Db, "M-SEV");
        var ber = await TestAccounts.UnitIdAsync(Db, "M-BER");

        var all = await ListedAsync(scope);
        Assert.That(all, Is.EquivalentTo(await InScopeAsync(scope)).And.Not.Empty);
        Assert.That(await ListedAsync(scope, sev), Is.EquivalentTo(await InScopeAsync(scope, sev)), "filtered by ГО Северный");
        Assert.That(await ListedAsync(scope, ber), Is.EquivalentTo(await InScopeAsync(scope, ber)), "filtered by another municipality");

        await using var conn = await Db.OpenConnectionAsync();
        var municipalities = await conn.QueryAsync<long>("""
            SELECT u.id FROM ekis.org_unit u JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id WHERE u.level = 'municipality'
            """, new { role = scope.Role, unit = scope.OrgUnitId });
        Assert.That((await new SearchRegistry(Db).MunicipalitiesAsync(scope)).Select(m => m.Id), Is.EquivalentTo(municipalities));
    }

    [Test]
    public async Task An_analyst_of_one_of_two_regions_sees_only_their_own()
    {
        await ExecuteAsAsync(Actor.Cli, """
            INSERT INTO ekis.org_unit (level, ekis_code, name) VALUES ('region', 'R2', 'Соседний регион');
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name) SELECT id, 'municipality', 'R2-M', 'Соседний округ' FROM ekis.org_unit WHERE ekis_code = 'R2';
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, kind, legal_status)
            SELECT id, 'organisation', 'R2-1', 'Соседняя школа', 'general', 'legal_entity' FROM ekis.org_unit WHERE ekis_code = 'R2-M';
            """);
        var analyst = await ScopeOfAsync("analyst");
        var listed = await ListedAsync(analyst);
        var neighbour = await TestAccounts.UnitIdAsync(Db, "R2-1");
        var admin = await ListedAsync(await ScopeOfAsync("admin"));

        Assert.That(listed, Is.EquivalentTo(await InScopeAsync(analyst)).And.Not.Contains(neighbour));
        Assert.That(admin, Does.Contain(neighbour));
    }
}
