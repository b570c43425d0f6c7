using System.Text;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using static EKIS.Reporting.Tests.Registry.RegistryTestData;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>
/// Issue 4: what the set-based apply (staging table + one upsert per level) writes — counts, absent
/// columns kept, history with reason «import», group memberships replaced, branches of organisations
/// created by the same file.
/// </summary>
public sealed class ImportApplyTests : DatabaseTest
{
    [SetUp]
    public async Task CreateRegionAndGroupsAsync()
    {
        await RegistryTestData.CreateRegionAsync(Db);
        await ExecuteAsAsync(Actor.Cli, "INSERT INTO ekis.org_group (code, name) VALUES ('g1', 'Первая'), ('g2', 'Вторая')");
    }

    private static byte[] Csv(string[] header, params OrganisationBuilder[] cards) =>
        Encoding.UTF8.GetBytes(string.Join("\r\n", [string.Join(';', header), .. cards.Select(c => c.ToCsvLine(header))]));

    private static Task<string?> GroupsOfAsync(string code) => ScalarAsync<string>("""
        SELECT string_agg(g.code, ',' ORDER BY g.code) FROM ekis.org_group_member gm
        JOIN ekis.org_group g ON g.id = gm.group_id JOIN ekis.org_unit o ON o.id = gm.org_unit_id WHERE o.ekis_code = $1
        """, code);

    [Test]
    public async Task A_second_file_updates_what_changed_keeps_absent_columns_replaces_groups_and_records_the_import_in_history()
    {
        string[] first = ["ekis_code", "name", "kind", "municipality", "inn", "kpp", "ogrn", "okpo", "phone", "groups"];
        string[] second = ["ekis_code", "name", "kind", "municipality", "parent_ekis_code", "inn", "kpp", "ogrn", "okpo", "groups"];
        var a = AnOrganisation().With("phone", "+7 111").With("groups", "g1|g2");
        var b = AnOrganisation().With("phone", "+7 222");
        var applied = await new ImportRegistry(Db).ApplyAsync(Csv(first, a, b), "first.csv", Actor.Cli);
        Assert.That((applied.Created, applied.Updated, applied.Unchanged), Is.EqualTo((2, 0, 0)), () => string.Join("\n", applied.Problems));

        a.With("groups", "G2");
        b.With("name", "Переименованная школа").With("groups", "g1");
        var c = AnOrganisation().InMunicipality("M2");
        var branchOfC = AnOrganisation().BranchOf(c);
        var again = await new ImportRegistry(Db).ApplyAsync(Csv(second, branchOfC, a, b, c), "second.csv", Actor.Cli);

        Assert.That(again.Problems, Is.Empty, () => string.Join("\n", again.Problems));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((again.Created, again.Updated, again.Unchanged), Is.EqualTo((2, 1, 1)), "a's card is unchanged: only its groups changed");
            Assert.That(await ScalarAsync<string>("SELECT phone FROM ekis.org_unit WHERE ekis_code = $1", a.Code), Is.EqualTo("+7 111"), "no phone column: kept");
            Assert.That(await GroupsOfAsync(a.Code), Is.EqualTo("g2"));
            Assert.That(await GroupsOfAsync(b.Code), Is.EqualTo("g1"));
            Assert.That(await ScalarAsync<string>("""
                SELECT h.reason || ':' || (h.old_row ->> 'name') || '->' || (h.new_row ->> 'name') FROM ekis.org_unit_history h
                JOIN ekis.org_unit o ON o.id = h.org_unit_id WHERE o.ekis_code = $1 AND h.operation = 'update'
                """, b.Code), Does.StartWith("import:").And.EndWith("->Переименованная школа"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit_history h JOIN ekis.org_unit o ON o.id = h.org_unit_id WHERE o.ekis_code = $1", a.Code),
                Is.EqualTo(1), "no history row for an unchanged card");
            Assert.That(await ScalarAsync<string>("""
                SELECT p.ekis_code FROM ekis.org_unit u JOIN ekis.org_unit p ON p.id = u.parent_id WHERE u.ekis_code = $1
                """, branchOfC.Code), Is.EqualTo(c.Code), "a branch listed before its new organisation is written after it");
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit_history WHERE reason IS DISTINCT FROM 'import' AND changed_at > now() - interval '1 hour' AND org_unit_id IN (SELECT id FROM ekis.org_unit WHERE level IN ('organisation', 'branch'))"),
                Is.Zero);
        });
    }
}
