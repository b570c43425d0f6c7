using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>
/// Issue 4, item 8: every registry page that takes an id answers 404 (out of scope) or 403 (wrong
/// role) for reading and writing, and a refused write changes nothing. Demo accounts, password Demo2026!.
/// </summary>
public sealed class RegistryAccessMatrixTests : DatabaseTest
{
    protected override bool StartsFromDemo => true;

    private EkisWebFactory _web = null!;
    private Dictionary<string, long> _ids = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    [SetUp]
    public async Task SeedAsync()
    {
        _ids = new Dictionary<string, long>
        {
            ["org100001"] = await TestAccounts.UnitIdAsync(Db, "100001"),
            ["org300001"] = await TestAccounts.UnitIdAsync(Db, "300001"),
            ["branch"] = await TestAccounts.UnitIdAsync(Db, "200001-01"),
            ["msev"] = await TestAccounts.UnitIdAsync(Db, "M-SEV"),
        };
        await ExecuteAsAsync(Actor.Cli, """
            INSERT INTO ekis.registry_proposal (org_unit_id, changes, original)
            SELECT id, '{"phone": "+7 000"}', '{"phone": null}' FROM ekis.org_unit WHERE ekis_code IN ('100001', '300001') ORDER BY ekis_code
            """);
        _ids["proposalSev"] = await ScalarAsync<long>("SELECT p.id FROM ekis.registry_proposal p JOIN ekis.org_unit u ON u.id = p.org_unit_id WHERE u.ekis_code = '100001'");
        _ids["proposalOzr"] = await ScalarAsync<long>("SELECT p.id FROM ekis.registry_proposal p JOIN ekis.org_unit u ON u.id = p.org_unit_id WHERE u.ekis_code = '300001'");
    }

    private string Resolve(string path) => _ids.Aggregate(path, (p, kv) => p.Replace("{" + kv.Key + "}", kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    private static IEnumerable<TestCaseData> Matrix()
    {
        object[][] rows =
        [
            ["director", "GET", "/Registry/Card?id={org300001}", new[] { 404 }],
            ["director", "GET", "/Registry/Card?id={org100001}", new[] { 200 }],
            ["director7", "GET", "/Registry/Card?id={org100001}", new[] { 404 }],
            ["teacher", "GET", "/Registry/Card?id={org300001}", new[] { 404 }],
            ["operator", "GET", "/Registry/Card?id={org300001}", new[] { 404 }],
            ["operator", "GET", "/Registry/Card?id={branch}", new[] { 404 }],
            ["operator", "GET", "/Registry/Card?id={org100001}", new[] { 200 }],
            ["analyst", "GET", "/Registry/Card?id={branch}", new[] { 200 }],
            ["admin", "GET", "/Registry/Card?id=999999999", new[] { 404 }],
            ["director", "GET", "/Registry/Edit?id={org100001}", new[] { 403 }],
            ["director", "POST", "/Registry/Edit?id={org100001}", new[] { 403 }],
            ["operator", "GET", "/Registry/Edit?id={org100001}", new[] { 403 }],
            ["analyst", "GET", "/Registry/Edit?id={org100001}", new[] { 403 }],
            ["analyst", "POST", "/Registry/Edit?id={org100001}", new[] { 403 }],
            ["admin", "GET", "/Registry/Edit?id={org300001}", new[] { 200 }],
            ["admin", "GET", "/Registry/Edit?id={msev}", new[] { 404 }],
            ["director", "GET", "/Registry/Propose?id={org100001}", new[] { 200 }],
            ["director", "GET", "/Registry/Propose?id={org300001}", new[] { 404 }],
            ["director", "POST", "/Registry/Propose?id={org300001}", new[] { 404 }],
            ["director7", "POST", "/Registry/Propose?id={org100001}", new[] { 404 }],
            ["teacher", "GET", "/Registry/Propose?id={org100001}", new[] { 403 }],
            ["teacher", "POST", "/Registry/Propose?id={org100001}", new[] { 403 }],
            ["operator", "POST", "/Registry/Propose?id={org100001}", new[] { 403 }],
            ["analyst", "GET", "/Registry/Propose?id={org100001}", new[] { 403 }],
            ["director7", "GET", "/Registry/Proposal?id={proposalSev}", new[] { 404 }],
            ["director7", "GET", "/Registry/Proposal?id={proposalOzr}", new[] { 200 }],
            ["director7", "POST", "/Registry/Proposal?id={proposalOzr}&handler=Approve", new[] { 403 }],
            ["director7", "POST", "/Registry/Proposal?id={proposalSev}&handler=Approve", new[] { 404 }],
            ["operator", "GET", "/Registry/Proposal?id={proposalOzr}", new[] { 404 }],
            ["operator", "POST", "/Registry/Proposal?id={proposalOzr}&handler=Reject", new[] { 404 }],
            ["operator", "POST", "/Registry/Proposal?id={proposalSev}&handler=Approve", new[] { 403 }],
            ["teacher", "POST", "/Registry/Proposal?id={proposalSev}&handler=Reject", new[] { 403 }],
            ["analyst", "GET", "/Registry/Proposal?id={proposalOzr}", new[] { 200 }],
            ["admin", "GET", "/Registry/Proposal?id=999999999", new[] { 404 }],
            ["teacher", "GET", "/Registry/Import", new[] { 403 }],
            ["analyst", "GET", "/Registry/Import", new[] { 403 }],
            ["analyst", "POST", "/Registry/Import?handler=Apply", new[] { 403 }],
            ["admin", "GET", "/Registry/Import", new[] { 200 }],
            // Move, close and merge (issue 4, item 5): administrators only, like the card edit.
            ["director", "GET", "/Registry/Move?id={org100001}", new[] { 403 }],
            ["director", "POST", "/Registry/Move?id={org100001}", new[] { 403 }],
            ["director", "POST", "/Registry/Close?id={org100001}", new[] { 403 }],
            ["director", "POST", "/Registry/Merge?id={org100001}&handler=Confirm", new[] { 403 }],
            ["teacher", "POST", "/Registry/Close?id={org100001}", new[] { 403 }],
            ["operator", "GET", "/Registry/Close?id={org100001}", new[] { 403 }],
            ["operator", "POST", "/Registry/Close?id={org100001}", new[] { 403 }],
            ["operator", "POST", "/Registry/Move?id={org100001}", new[] { 403 }],
            ["analyst", "GET", "/Registry/Merge?id={org100001}", new[] { 403 }],
            ["analyst", "POST", "/Registry/Merge?id={org100001}&handler=Confirm", new[] { 403 }],
            ["analyst", "POST", "/Registry/Move?id={org300001}", new[] { 403 }],
            ["admin", "GET", "/Registry/Move?id={org300001}", new[] { 200 }],
            ["admin", "GET", "/Registry/Close?id={branch}", new[] { 200 }],
            ["admin", "GET", "/Registry/Merge?id={org300001}", new[] { 200 }],
            ["admin", "GET", "/Registry/Move?id={branch}", new[] { 404 }],
            ["admin", "GET", "/Registry/Merge?id={branch}", new[] { 404 }],
            ["admin", "POST", "/Registry/Move?id={msev}", new[] { 404 }],
            ["admin", "POST", "/Registry/Close?id={msev}", new[] { 404 }],
            ["admin", "POST", "/Registry/Merge?id=999999999&handler=Confirm", new[] { 404 }],
        ];
        foreach (var r in rows)
            yield return new TestCaseData(r[0], r[1], r[2], r[3]).SetName($"{r[0]} {r[1]} {r[2]} answers {string.Join("/", (int[])r[3])}");
    }

    [TestCaseSource(nameof(Matrix))]
    public async Task Access(string login, string method, string path, int[] allowed)
    {
        var client = await TestAccounts.SignInAsync(_web, login, DemoAccounts.Password);
        var url = Resolve(path);
        var response = method == "GET"
            ? await client.GetAsync(url)
            : await TestAccounts.PostFormAsync(client, url,
                new()
                {
                    ["phone"] = "+7 999", ["director"] = "Чужой Человек Иванович", ["comment"] = "чужое решение", ["token"] = "0", ["fileName"] = "x.csv",
                    ["municipality"] = Resolve("{msev}"), ["on"] = "2026-09-01", ["into"] = "100002",
                },
                tokenPage: "/Account/ChangePassword");
        Assert.That((int)response.StatusCode, Is.AnyOf(allowed.Cast<object>().ToArray()), $"{login} {method} {url}");

        if (method == "POST" && !allowed.Contains(200))
        {
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE phone = '+7 999' OR director = 'Чужой Человек Иванович'"), Is.Zero);
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.registry_proposal"), Is.EqualTo(2));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.registry_proposal WHERE status <> 'pending'"), Is.Zero);
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit_history WHERE reason IN ('move', 'close', 'merge')"), Is.Zero);
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE ekis_code IN ('100001', '300001') AND status = 'closed'"), Is.Zero);
        }
    }
}
