using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>
/// Issue 10, point 6: the server enforces the title block the entry page shows — the fields a school
/// may type, each key under the template's spelling, the page's maximum length, no control characters;
/// fields from the registry are neither written through JSON nor shown from anywhere but the registry.
/// </summary>
public sealed partial class TitleFieldTests : ReportPageTest
{
    private async Task<HttpResponseMessage> SaveTitleAsync(HttpClient client, long id, object title) =>
        await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = await RowVersionAsync(id), cells = Array.Empty<object>(), title }, await TokenAsync(client, $"/Reports/Fill/{id}"));

    private static Task<string?> StoredTitleAsync(long id) => ScalarAsync<string>("SELECT title::text FROM ekis.report WHERE id = $1", id);

    [Test]
    public async Task A_title_value_longer_than_the_pages_maxlength_is_refused_and_one_as_long_is_saved()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}"));
        var inputs = TitleInput().Matches(page).ToDictionary(m => m.Groups["field"].Value, m => int.Parse(m.Groups["max"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(inputs.Keys, Is.SupersetOf(new[] { "responsible_fio", "responsible_post", "phone", "email" }), "the title inputs the page shows, with their maxlength");

        foreach (var (field, max) in inputs)
        {
            var before = await StoredTitleAsync(id);
            foreach (var tooLong in new[] { new string('Я', max + 1), new string('x', 1024 * 1024) })
            {
                var refused = await SaveTitleAsync(client, id, new Dictionary<string, string> { [field] = tooLong });
                var json = await JsonAsync(refused);
                Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), $"{field}: {tooLong.Length} characters");
                Assert.That(json.GetProperty("message").GetString(), Does.Contain(max.ToString(System.Globalization.CultureInfo.InvariantCulture)), field);
                Assert.That(await StoredTitleAsync(id), Is.EqualTo(before), $"{field}: nothing stored");
            }
            var exact = new string('Я', max);
            Assert.That((await SaveTitleAsync(client, id, new Dictionary<string, string> { [field] = exact })).StatusCode, Is.EqualTo(HttpStatusCode.OK), field);
            Assert.That(await ScalarAsync<string>("SELECT title ->> $2 FROM ekis.report WHERE id = $1", id, field), Is.EqualTo(exact));
        }
    }

    [Test]
    public async Task The_registry_directors_name_cannot_be_written_through_json_and_the_print_view_shows_the_registrys()
    {
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.org_unit SET director = 'Романова Елена Викторовна' WHERE id = $1", School1);
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}"));
        Assert.That(page, Does.Contain("<span class=\"title-value\" data-field=\"leader_fio\">Романова Елена Викторовна</span>"), "read-only on the page");

        foreach (var key in new[] { "leader_fio", "LEADER_FIO", "Okpo", "name" })
        {
            var response = await SaveTitleAsync(client, id, new Dictionary<string, string> { [key] = "Подставной Иван", ["phone"] = "+7 900 000-00-00" });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), key);
            Assert.That((await JsonAsync(response)).GetProperty("message").GetString(), Does.Contain("реестр"), key);
        }
        var stored = await StoredTitleAsync(id);
        Assert.That(stored, Does.Not.Contain("Подставной").And.Not.Contain("+7 900"), "nothing of a refused title is stored");

        // A value written before the fix (straight into the database) is not what the print view shows.
        await ExecuteAsAsync(Actor.Cli, """UPDATE ekis.report SET title = title || '{"leader_fio": "Подставной Иван"}'::jsonb WHERE id = $1""", id);
        var print = Decode(await client.GetStringAsync($"/Reports/Print/{id}"));
        Assert.That(print, Does.Contain("Романова Елена Викторовна").And.Not.Contain("Подставной"));
    }

    [Test]
    public async Task Title_keys_are_matched_regardless_of_case_and_stored_under_the_templates_key()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveOkAsync(client, id, [], new Dictionary<string, string> { ["responsible_fio"] = "Петров Пётр Петрович" });
        await SaveOkAsync(client, id, [], new Dictionary<string, string> { ["Responsible_FIO"] = "Сидорова Анна Петровна", ["PHONE"] = "+7 900 111-22-33" });
        var keys = JsonDocument.Parse((await StoredTitleAsync(id))!).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(keys, Is.Unique);
        Assert.That(keys.Where(k => k.Equals("responsible_fio", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(new[] { "responsible_fio" }));
        Assert.That(keys.Where(k => k.Equals("phone", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(new[] { "phone" }));
        Assert.That(await ScalarAsync<string>("SELECT title ->> 'responsible_fio' FROM ekis.report WHERE id = $1", id), Is.EqualTo("Сидорова Анна Петровна"));
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}"));
        Assert.That(page, Does.Contain("value=\"Сидорова Анна Петровна\"").And.Not.Contain("Петров Пётр"));
    }

    // Code points, not strings: a test name with a control character in it is not run by the adapter.
    [TestCase(0x01)]
    [TestCase(0x09)]
    [TestCase(0x0A)]
    [TestCase(0x7F)]
    [TestCase(0x85)]
    public async Task A_title_value_with_a_control_character_is_refused(int codePoint)
    {
        var value = "Сидорова" + (char)codePoint + "Анна";
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var before = await StoredTitleAsync(id);
        var response = await SaveTitleAsync(client, id, new Dictionary<string, string> { ["responsible_fio"] = value });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That((await JsonAsync(response)).GetProperty("message").GetString(), Does.Contain("управляющ"));
        Assert.That(await StoredTitleAsync(id), Is.EqualTo(before));
    }

    [Test]
    public async Task A_title_value_is_stored_trimmed()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveOkAsync(client, id, [], new Dictionary<string, string> { ["responsible_fio"] = "  Сидорова Анна Петровна \u00A0" });
        Assert.That(await ScalarAsync<string>("SELECT title ->> 'responsible_fio' FROM ekis.report WHERE id = $1", id), Is.EqualTo("Сидорова Анна Петровна"));
    }

    [Test]
    public async Task Title_keys_stored_before_the_fix_outside_the_forms_spelling_are_neither_shown_nor_carried_into_the_next_report()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveOkAsync(client, id, [], new Dictionary<string, string> { ["responsible_fio"] = "Петров Пётр Петрович" });
        await ExecuteAsAsync(Actor.Cli, """
            UPDATE ekis.report SET title = title || '{"Responsible_FIO": "Подставной Иван", "junk": "мусор"}'::jsonb WHERE id = $1
            """, id);
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}"));
        Assert.That(page, Does.Not.Contain("Подставной").And.Not.Contain("мусор"));

        var next = (await Open.OpenAsync(Analyst, As(Analyst), new Features.Campaigns.OpenCampaign.Command(
            await ScalarAsync<long>("SELECT template_version_id FROM ekis.campaign WHERE id = $1", EntryCampaignId), 2026, "1212", RealToday.AddDays(30), Kinds: ["general"]))).CampaignId;
        var second = (await Start.StartAsync(Director, As(Director), next, School1))!.Value;
        var keys = JsonDocument.Parse((await StoredTitleAsync(second))!).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(keys, Is.SubsetOf(new[] { "okpo", "name", "leader_fio", "responsible_post", "responsible_fio", "phone", "email" }));
        Assert.That(await ScalarAsync<string>("SELECT title ->> 'responsible_fio' FROM ekis.report WHERE id = $1", second), Is.EqualTo("Петров Пётр Петрович"));

        // Saving the title again drops what the form does not know from the stored report.
        await SaveOkAsync(client, id, [], new Dictionary<string, string> { ["phone"] = "+7 900 111-22-33" });
        Assert.That(await StoredTitleAsync(id), Does.Not.Contain("junk").And.Not.Contain("Подставной"));
    }

    [Test]
    public async Task The_save_slice_refuses_a_null_title_value_instead_of_failing()
    {
        Clock.Today = RealToday;
        var id = await StartedReportAsync();
        var title = new Dictionary<string, string> { ["responsible_fio"] = null! };
        var result = await Save.SaveAsync(Director, As(Director), new SaveValues.Command(id, await RowVersionAsync(id), [], title));
        Assert.That(result.Outcome, Is.EqualTo(SaveValues.Outcome.Invalid));
        Assert.That(result.Message, Does.Contain("responsible_fio").Or.Contain("ответственное"));
    }

    [GeneratedRegex("<input class=\"title-field\" data-field=\"(?<field>[^\"]+)\"[^>]*maxlength=\"(?<max>\\d+)\"")]
    private static partial Regex TitleInput();
}
