using System.Net;
using System.Text;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>The registry pages of issue 4 (items 7 and 8) on the demo region, through the real sign-in.</summary>
public sealed class RegistryPageTests : DatabaseTest
{
    private EkisWebFactory _web = null!;

    [OneTimeSetUp]
    public void StartWeb() => _web = new EkisWebFactory();

    [OneTimeTearDown]
    public void StopWeb() => _web.Dispose();

    protected override bool StartsFromDemo => true;

    private static Task<long> GroupIdAsync(string code) => ScalarAsync<long>("SELECT id FROM ekis.org_group WHERE code = $1", code);

    private static async Task<string> UserActorAsync(string login) =>
        "user:" + await ScalarAsync<long>("SELECT id FROM ekis.app_user WHERE login = $1", login);

    private async Task<string> GetPageAsync(string login, string path)
    {
        var client = await TestAccounts.SignInAsync(_web, login, DemoAccounts.Password);
        var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Analyst_searches_the_whole_region_and_filters_by_municipality_kind_and_status()
    {
        var ber = await TestAccounts.UnitIdAsync(Db, "M-BER");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await GetPageAsync("analyst", "/Registry"), Does.Contain("Найдено: 358"));
            // Kindergartens 5, 6, 15, 16, 25, 26 and the branch of 15.
            Assert.That(await GetPageAsync("analyst", $"/Registry?municipality={ber}&kind=preschool"), Does.Contain("Найдено: 7"));
            Assert.That(await GetPageAsync("analyst", "/Registry?status=closed"), Does.Contain("Найдено: 10"));
            Assert.That(await GetPageAsync("analyst", "/Registry?q=Лицей+№+7"), Does.Contain("Найдено: 1").And.Contain("300001"));
            Assert.That(await GetPageAsync("analyst", "/Registry?q=5002100049"), Does.Contain("Найдено: 2"), "by ИНН: the school and its branch");
            Assert.That(await GetPageAsync("analyst", "/Registry?page=2"), Does.Contain("Найдено: 358"));
            // Gymnasium № 2, Lyceum № 7 and, in each of the ten generated municipalities, gymnasiums 10, 20, 30 and lyceums 1, 11, 21.
            Assert.That(await GetPageAsync("analyst", $"/Registry?group={await GroupIdAsync("gymnasiums-lyceums")}"), Does.Contain("Найдено: 62"));
            Assert.That(await GetPageAsync("operator", $"/Registry?group={await GroupIdAsync("gymnasiums-lyceums")}"), Does.Contain("Найдено: 1"));
        });
    }

    [Test]
    public async Task Operator_and_director_see_only_their_scope_in_the_list_and_the_tree()
    {
        var list = await GetPageAsync("operator", "/Registry");
        var tree = await GetPageAsync("director7", "/Registry/Tree");
        Assert.Multiple(() =>
        {
            Assert.That(list, Does.Contain("Найдено: 3").And.Contain("100003").And.Not.Contain("300001"));
            Assert.That(tree, Does.Contain("300001").And.Not.Contain("300002").And.Not.Contain("100001"));
        });
        var regionTree = await GetPageAsync("analyst", "/Registry/Tree");
        Assert.That(regionTree, Does.Contain("ГО Звёздный").And.Contain("500027-01"));
    }

    [Test]
    public async Task The_card_shows_identifiers_and_history_and_only_an_administrator_gets_the_edit_link()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "200001");
        var asAnalyst = await GetPageAsync("analyst", $"/Registry/Card?id={id}");
        var asAdmin = await GetPageAsync("admin", $"/Registry/Card?id={id}");
        Assert.Multiple(() =>
        {
            Assert.That(asAnalyst, Does.Contain("5002100049").And.Contain("История изменений").And.Contain("создание").And.Contain("Филиал НОШ д. Луговая"));
            Assert.That(asAnalyst, Does.Not.Contain("/Registry/Edit"));
            Assert.That(asAdmin, Does.Contain($"/Registry/Edit?id={id}"));
        });
    }

    [Test]
    public async Task Administrator_edits_a_card_and_its_history_shows_old_and_new_values_with_the_author()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "100002");
        var client = await TestAccounts.SignInAsync(_web, "admin", DemoAccounts.Password);
        var response = await TestAccounts.PostFormAsync(client, $"/Registry/Edit?id={id}", new() { ["director"] = "Сидорова Мария Петровна", ["phone"] = "+7 (401) 555-00-11" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var card = WebUtility.HtmlDecode(await client.GetStringAsync($"/Registry/Card?id={id}"));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(card, Does.Contain("director").And.Contain("Сидорова Мария Петровна").And.Contain("(admin)"));
            Assert.That(await ScalarAsync<string>("SELECT updated_by FROM ekis.org_unit WHERE ekis_code = '100002'"), Is.EqualTo(await UserActorAsync("admin")));
            Assert.That(await ScalarAsync<string>("SELECT name FROM ekis.org_unit WHERE ekis_code = '100002'"), Does.Contain("Гимназия № 2"), "fields not sent are kept");
        });
    }

    [Test]
    public async Task An_invalid_identifier_is_explained_in_russian_and_nothing_is_saved()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "100002");
        var client = await TestAccounts.SignInAsync(_web, "admin", DemoAccounts.Password);
        var response = await TestAccounts.PostFormAsync(client, $"/Registry/Edit?id={id}", new() { ["inn"] = "5001100022", ["director"] = "Новый Руководитель Тестович" });
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("Карточка не сохранена").And.Contain("контрольн"));
            Assert.That(await ScalarAsync<string>("SELECT inn FROM ekis.org_unit WHERE ekis_code = '100002'"), Is.EqualTo("5001100021"));
            Assert.That(await ScalarAsync<string>("SELECT director FROM ekis.org_unit WHERE ekis_code = '100002'"), Is.Null);
        });
    }

    [Test]
    public async Task Director_proposes_a_change_and_the_analyst_approves_it_as_their_own_attributed_change()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "100001");
        var director = await TestAccounts.SignInAsync(_web, "director", DemoAccounts.Password);
        var sent = await TestAccounts.PostFormAsync(director, $"/Registry/Propose?id={id}", new() { ["phone"] = "+7 (401) 222-33-44", ["website"] = "https://school1.demo-edu.example" });
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await sent.Content.ReadAsStringAsync());
        var proposalId = await ScalarAsync<long>("SELECT id FROM ekis.registry_proposal");
        Assert.That(await ScalarAsync<string>("SELECT phone FROM ekis.org_unit WHERE id = $1", id), Is.Null, "nothing applied before the decision");

        var analyst = await TestAccounts.SignInAsync(_web, "analyst", DemoAccounts.Password);
        var queue = WebUtility.HtmlDecode(await analyst.GetStringAsync("/Registry/Proposals"));
        var diff = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Registry/Proposal?id={proposalId}"));
        Assert.Multiple(() =>
        {
            Assert.That(queue, Does.Contain("100001").And.Contain("Телефон"));
            Assert.That(diff, Does.Contain("+7 (401) 222-33-44").And.Contain("Сайт").And.Contain("Принять"));
        });
        var approved = await TestAccounts.PostFormAsync(analyst, $"/Registry/Proposal?id={proposalId}&handler=Approve", new() { ["comment"] = "Сверено" },
            tokenPage: $"/Registry/Proposal?id={proposalId}");
        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await approved.Content.ReadAsStringAsync());
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string>("SELECT phone FROM ekis.org_unit WHERE id = $1", id), Is.EqualTo("+7 (401) 222-33-44"));
            Assert.That(await ScalarAsync<string>("SELECT changed_by FROM ekis.org_unit_history WHERE org_unit_id = $1 ORDER BY id DESC LIMIT 1", id), Is.EqualTo(await UserActorAsync("analyst")));
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.registry_proposal WHERE id = $1", proposalId), Is.EqualTo("approved"));
            Assert.That(await ScalarAsync<string>("SELECT decided_by FROM ekis.registry_proposal WHERE id = $1", proposalId), Is.EqualTo(await UserActorAsync("analyst")));
            Assert.That(await ScalarAsync<string>("SELECT proposed_by FROM ekis.registry_proposal WHERE id = $1", proposalId), Is.EqualTo(await UserActorAsync("director")));
        });
    }

    [Test]
    public async Task A_rejection_needs_a_comment_and_leaves_the_card_as_it_was()
    {
        var id = await TestAccounts.UnitIdAsync(Db, "300001");
        var director = await TestAccounts.SignInAsync(_web, "director7", DemoAccounts.Password);
        var bad = await TestAccounts.PostFormAsync(director, $"/Registry/Propose?id={id}", new() { ["okpo"] = "41000065" });
        Assert.That(WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()), Does.Contain("Предложение не отправлено").And.Contain("ОКПО"));
        await TestAccounts.PostFormAsync(director, $"/Registry/Propose?id={id}", new() { ["email"] = "lyceum7@demo-edu.example" });
        var proposalId = await ScalarAsync<long>("SELECT id FROM ekis.registry_proposal");

        var analyst = await TestAccounts.SignInAsync(_web, "analyst", DemoAccounts.Password);
        var token = $"/Registry/Proposal?id={proposalId}";
        var noComment = await TestAccounts.PostFormAsync(analyst, $"{token}&handler=Reject", new() { ["comment"] = " " }, tokenPage: token);
        Assert.That(WebUtility.HtmlDecode(await noComment.Content.ReadAsStringAsync()), Does.Contain("Укажите причину"));
        var rejected = await TestAccounts.PostFormAsync(analyst, $"{token}&handler=Reject", new() { ["comment"] = "Адрес почты не подтверждён" }, tokenPage: token);
        Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var own = WebUtility.HtmlDecode(await director.GetStringAsync(token));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string>("SELECT email FROM ekis.org_unit WHERE id = $1", id), Is.Null);
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.registry_proposal WHERE id = $1", proposalId), Is.EqualTo("rejected"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.registry_proposal"), Is.EqualTo(1), "the invalid proposal was not stored");
            Assert.That(own, Does.Contain("отклонено").And.Contain("Адрес почты не подтверждён").And.Not.Contain("Принять"));
        });
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, string csv)
    {
        var token = await TestAccounts.AntiforgeryTokenAsync(client, "/Registry/Import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", fileName },
        };
        return await client.PostAsync("/Registry/Import?handler=Check", form);
    }

    [Test]
    public async Task The_import_page_groups_the_dry_run_problems_by_column_and_applies_a_clean_file()
    {
        var admin = await TestAccounts.SignInAsync(_web, "admin", DemoAccounts.Password);
        var bad = await UploadAsync(admin, "bad.csv", "ekis_code;name;kind;municipality;inn\nN-1;Школа 1;general;M-SEV;5001100015\nN-2;Школа 2;general;M-SEV;5001100016\nN-3;Школа 3;spaceship;M-SEV;");
        var badHtml = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(badHtml, Does.Contain("Найдено ошибок: 3").And.Contain("ИНН (inn) — 2").And.Contain("Вид (kind) — 1"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE ekis_code LIKE 'N-%'"), Is.Zero);
        });

        var good = await UploadAsync(admin, "good.csv", "ekis_code;name;kind;municipality\nN-1;Школа 1;general;M-SEV\nN-2;Школа 2;preschool;M-SEV");
        var goodHtml = WebUtility.HtmlDecode(await good.Content.ReadAsStringAsync());
        Assert.That(goodHtml, Does.Contain("Ошибок нет"));
        var token = System.Text.RegularExpressions.Regex.Match(goodHtml, "name=\"token\" value=\"([0-9a-f]{32})\"").Groups[1].Value;
        var applied = await TestAccounts.PostFormAsync(admin, "/Registry/Import?handler=Apply", new() { ["token"] = token, ["fileName"] = "good.csv" }, tokenPage: "/Registry/Import");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(WebUtility.HtmlDecode(await applied.Content.ReadAsStringAsync()), Does.Contain("Реестр обновлён").And.Contain("создано 2"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE ekis_code LIKE 'N-%'"), Is.EqualTo(2));
        });
        var again = await TestAccounts.PostFormAsync(admin, "/Registry/Import?handler=Apply", new() { ["token"] = token, ["fileName"] = "good.csv" }, tokenPage: "/Registry/Import");
        Assert.That(WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), Does.Contain("загрузите его ещё раз"), "a checked file is applied once");
    }
}
