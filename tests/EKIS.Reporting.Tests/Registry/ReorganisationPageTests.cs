using System.Net;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>
/// Issue 4, item 5 through the pages: an administrator moves, closes and merges organisations
/// (/Registry/Move, /Registry/Close, /Registry/Merge); the card's history shows each event; bad
/// input is explained in Russian and changes nothing. Other roles: RegistryAccessMatrixTests.
/// </summary>
public sealed class ReorganisationPageTests : DatabaseTest
{
    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    protected override bool StartsFromDemo => true;

    private async Task<HttpClient> AdminAsync() => await TestAccounts.SignInAsync(_web, "admin", DemoAccounts.Password);

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static Task<long> ReorganisationEventsAsync() =>
        ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit_history WHERE reason IN ('move', 'close', 'merge')");

    [Test]
    public async Task Administrator_moves_an_organisation_to_another_municipality_and_the_card_history_shows_the_move()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "100003");
        var ozr = await TestAccounts.UnitIdAsync(Db, "M-OZR");
        var admin = await AdminAsync();
        var form = await HtmlAsync(await admin.GetAsync($"/Registry/Move?id={id}"));
        Assert.That(form, Does.Contain("Городской округ Озёрск").And.Contain("Сейчас относится к «Городской округ Северный»"));

        var moved = await TestAccounts.PostFormAsync(admin, $"/Registry/Move?id={id}", new() { ["municipality"] = ozr.ToString(), ["on"] = "2026-09-01" });
        Assert.That(moved.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await HtmlAsync(moved));
        var card = WebUtility.HtmlDecode(await admin.GetStringAsync(moved.Headers.Location!.ToString()));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<long>("SELECT parent_id FROM ekis.org_unit WHERE id = $1", id), Is.EqualTo(ozr));
            Assert.That(await ScalarAsync<DateTime>("SELECT effective_on::timestamp FROM ekis.org_unit_history WHERE org_unit_id = $1 AND reason = 'move'", id),
                Is.EqualTo(new DateTime(2026, 9, 1)));
            Assert.That(card, Does.Contain("Организация перенесена").And.Contain("перенос").And.Contain("01.09.2026"));
            Assert.That(card, Does.Contain("ГО Северный (M-SEV)").Or.Contain("Городской округ Северный (M-SEV)"), "the history names the old municipality");
            Assert.That(card, Does.Contain("(M-OZR)"), "and the new one");
        });
    }

    [Test]
    public async Task The_move_form_explains_a_missing_municipality_and_a_bad_date_in_russian_and_changes_nothing()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "100003");
        var sev = await TestAccounts.UnitIdAsync(Db, "M-SEV");
        var admin = await AdminAsync();
        var empty = await TestAccounts.PostFormAsync(admin, $"/Registry/Move?id={id}", new() { ["municipality"] = "", ["on"] = "31.02.2026" });
        var same = await TestAccounts.PostFormAsync(admin, $"/Registry/Move?id={id}", new() { ["municipality"] = sev.ToString(), ["on"] = "" },
            tokenPage: $"/Registry/Move?id={id}");
        var (emptyHtml, sameHtml) = (await HtmlAsync(empty), await HtmlAsync(same));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(emptyHtml, Does.Contain("Выберите муниципальное образование").And.Contain("Дата «31.02.2026» не распознана"));
            Assert.That(sameHtml, Does.Contain("Такого муниципального образования нет среди доступных").And.Contain("Укажите дату, с которой действует перенос"));
            Assert.That(await ScalarAsync<long>("SELECT parent_id FROM ekis.org_unit WHERE id = $1", id), Is.EqualTo(sev));
            Assert.That(await ReorganisationEventsAsync(), Is.Zero);
        });
    }

    [Test]
    public async Task Administrator_closes_an_organisation_with_its_branch_and_a_date_before_its_opening_is_refused()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "200001");
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.org_unit SET opened_on = '2001-09-01' WHERE ekis_code = '200001'");
        var admin = await AdminAsync();
        var early = await TestAccounts.PostFormAsync(admin, $"/Registry/Close?id={id}", new() { ["on"] = "31.08.2001" });
        Assert.That(await HtmlAsync(early), Does.Contain("Дата раньше даты открытия организации (01.09.2001)"));
        Assert.That(await ReorganisationEventsAsync(), Is.Zero);

        var closed = await TestAccounts.PostFormAsync(admin, $"/Registry/Close?id={id}", new() { ["on"] = "31.08.2026" });
        Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await HtmlAsync(closed));
        var card = WebUtility.HtmlDecode(await admin.GetStringAsync(closed.Headers.Location!.ToString()));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE ekis_code IN ('200001', '200001-01') AND status = 'closed' AND closed_on = '2026-08-31'"), Is.EqualTo(2));
            Assert.That(card, Does.Contain("Организация закрыта").And.Contain("закрытие").And.Contain("31.08.2026"));
            Assert.That(card, Does.Not.Contain("/Registry/Close?id="), "a closed organisation offers no reorganisation");
        });
        var again = await TestAccounts.PostFormAsync(admin, $"/Registry/Close?id={id}", new() { ["on"] = "01.09.2026" }, tokenPage: $"/Registry/Card?id={id}");
        Assert.That(await HtmlAsync(again), Does.Contain("уже закрыта"), "a stale form closes nothing twice");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE closed_on = '2026-09-01'"), Is.Zero);
    }

    [Test]
    public async Task Merging_shows_a_confirmation_first_and_merges_only_when_confirmed()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "200001");
        var survivor = await TestAccounts.UnitIdAsync(Db, "200002");
        var admin = await AdminAsync();
        var check = await TestAccounts.PostFormAsync(admin, $"/Registry/Merge?id={id}", new() { ["into"] = "200002", ["on"] = "2026-09-01" });
        var checkHtml = await HtmlAsync(check);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(check.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(checkHtml, Does.Contain("Проверьте и подтвердите").And.Contain("закрывается с 01.09.2026").And.Contain("действующие филиалы (1)"));
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.org_unit WHERE id = $1", id), Is.EqualTo("active"), "nothing before the confirmation");
            Assert.That(await ReorganisationEventsAsync(), Is.Zero);
        });

        // Post where the rendered confirmation form posts (its action must keep the unit's id).
        var action = System.Text.RegularExpressions.Regex.Match(checkHtml, "action=\"([^\"]*handler=Confirm[^\"]*)\"").Groups[1].Value;
        Assert.That(action, Does.Contain($"id={id}"), "the confirmation form keeps the unit's id");
        var confirmed = await TestAccounts.PostFormAsync(admin, action, new() { ["into"] = "200002", ["on"] = "2026-09-01" },
            tokenPage: $"/Registry/Merge?id={id}");
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await HtmlAsync(confirmed));
        var card = WebUtility.HtmlDecode(await admin.GetStringAsync(confirmed.Headers.Location!.ToString()));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<long>("SELECT merged_into_id FROM ekis.org_unit WHERE id = $1", id), Is.EqualTo(survivor));
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.org_unit WHERE id = $1", id), Is.EqualTo("closed"));
            Assert.That(await ScalarAsync<long>("SELECT parent_id FROM ekis.org_unit WHERE ekis_code = '200001-01'"), Is.EqualTo(survivor), "the open branch passes to the survivor");
            Assert.That(card, Does.Contain("Организация присоединена").And.Contain("присоединение").And.Contain("(200002)"));
        });
    }

    [Test]
    public async Task The_merge_form_refuses_itself_an_unknown_code_a_branch_and_a_missing_date_and_changes_nothing()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "200001");
        var admin = await AdminAsync();
        async Task<string> TryAsync(string into, string on, string handler = "") =>
            await HtmlAsync(await TestAccounts.PostFormAsync(admin, $"/Registry/Merge?id={id}{handler}", new() { ["into"] = into, ["on"] = on },
                tokenPage: $"/Registry/Merge?id={id}"));
        var self = await TryAsync("200001", "2026-09-01");
        var unknown = await TryAsync("999999", "2026-09-01");
        var branch = await TryAsync("200001-01", "2026-09-01", "&handler=Confirm");
        var noDate = await TryAsync("200002", "", "&handler=Confirm");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(self, Does.Contain("нельзя присоединить к ней самой"));
            Assert.That(unknown, Does.Contain("Организация с кодом ЕКИС «999999» не найдена"));
            Assert.That(branch, Does.Contain("не к филиалу"));
            Assert.That(noDate, Does.Contain("Укажите дату, с которой действует присоединение"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE status = 'closed' AND ekis_code LIKE '2000%'"), Is.Zero);
            Assert.That(await ReorganisationEventsAsync(), Is.Zero);
        });
    }

    [Test]
    public async Task The_card_links_an_administrator_to_move_close_and_merge_and_nobody_else()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "200001");
        var branch = await TestAccounts.UnitIdAsync(Db, "200001-01");
        var admin = await AdminAsync();
        var analyst = await TestAccounts.SignInAsync(_web, "analyst", DemoAccounts.Password);
        var asAdmin = WebUtility.HtmlDecode(await admin.GetStringAsync($"/Registry/Card?id={id}"));
        var branchAsAdmin = WebUtility.HtmlDecode(await admin.GetStringAsync($"/Registry/Card?id={branch}"));
        var asAnalyst = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Registry/Card?id={id}"));
        Assert.Multiple(() =>
        {
            Assert.That(asAdmin, Does.Contain($"/Registry/Move?id={id}").And.Contain($"/Registry/Close?id={id}").And.Contain($"/Registry/Merge?id={id}"));
            Assert.That(branchAsAdmin, Does.Contain($"/Registry/Close?id={branch}").And.Not.Contain("/Registry/Move").And.Not.Contain("/Registry/Merge"));
            Assert.That(asAnalyst, Does.Not.Contain("/Registry/Move").And.Not.Contain("/Registry/Close").And.Not.Contain("/Registry/Merge"));
        });
    }

    [Test]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "100003");
        var admin = await AdminAsync();
        foreach (var path in new[] { $"/Registry/Move?id={id}", $"/Registry/Close?id={id}", $"/Registry/Merge?id={id}&handler=Confirm" })
        {
            var response = await admin.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["municipality"] = (await TestAccounts.UnitIdAsync(Db, "M-OZR")).ToString(), ["on"] = "2026-09-01", ["into"] = "100002",
            }));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), path);
        }
        Assert.That(await ReorganisationEventsAsync(), Is.Zero);
    }
}
