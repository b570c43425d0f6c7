using System.Net;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>Issue 6, items 2, 3, 8, 10: «Мои формы» and the entry page of a school, through HTTP.</summary>
public sealed partial class EntryPageTests : ReportPageTest
{
    [Test]
    public async Task Director_starts_fills_checks_explains_the_warning_sends_and_then_sees_the_report_read_only()
    {
        var client = await SignInAsync("t-director");
        var my = Decode(await client.GetStringAsync("/Reports/My"));
        Assert.That(my, Does.Contain("Сведения о контингенте").And.Contain("не начат").And.Contain("20 дн."));

        var token = await TokenAsync(client);
        var start = await client.PostAsync("/Reports/My?handler=Start", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["campaignId"] = EntryCampaignId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["orgUnitId"] = School1.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["__RequestVerificationToken"] = token,
        }));
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var location = start.Headers.Location!.ToString();
        Assert.That(location, Does.Match(@"^/Reports/Fill/\d+$"));
        var id = long.Parse(location[(location.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        var page = Decode(await client.GetStringAsync(location));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(page, Does.Contain("41000012"), "ОКПО from the registry");
            Assert.That(page, Does.Contain("data-field=\"responsible_fio\""));
            Assert.That(page, Does.Not.Contain("class=\"title-field\" data-field=\"okpo\""), "ОКПО is read-only");
            Assert.That(page, Does.Contain("id=\"cell-1_1_3\"").And.Contain("id=\"submit-button\""));
            Assert.That(Count(page, "<td class=\"x\""), Is.GreaterThanOrEqualTo(1), "the «х» cell of row 07 is greyed, not an input");
            Assert.That(page, Does.Not.Contain("id=\"cell-1_7_3\" class=\"v\""));
            Assert.That(await StatusAsync(id), Is.EqualTo("draft"));
        });

        var saved = await SaveOkAsync(client, id, CleanJsonCells(arrived: "15"), FullJsonTitle);
        Assert.That(saved.GetProperty("changed").GetInt32(), Is.EqualTo(10));
        Assert.That(saved.GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(saved.GetProperty("rowVersion").GetInt32(), Is.EqualTo(await RowVersionAsync(id)));

        var fillToken = await TokenAsync(client, $"/Reports/Fill/{id}");
        var check = await JsonAsync(await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Check", new { }, fillToken));
        Assert.That(check.GetProperty("errors").GetArrayLength(), Is.EqualTo(0), check.ToString());
        var warning = check.GetProperty("warnings").EnumerateArray().Single(w => w.GetProperty("controlId").GetString() == "7");
        Assert.That(warning.GetProperty("cells")[0].GetProperty("row").GetString(), Is.EqualTo("02"));

        var refused = await SubmitAsync(client, id);
        var refusedPage = Decode(await refused.Content.ReadAsStringAsync());
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(refusedPage, Does.Contain("Поясните предупреждения").And.Contain("контроль 7"));
        Assert.That(await StatusAsync(id), Is.EqualTo("draft"));

        var explainError = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Explain", new { controlId = "1", explanation = "так получилось" }, fillToken);
        Assert.That(explainError.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), "an error is fixed, not explained");
        var explain = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Explain", new { controlId = "7", explanation = "Открыт новый корпус: прибыли 15 учеников." }, fillToken);
        Assert.That(explain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var recheck = await JsonAsync(await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Check", new { }, fillToken));
        Assert.That(recheck.GetProperty("warnings")[0].GetProperty("explanation").GetString(), Does.Contain("новый корпус"));

        var sent = await SubmitAsync(client, id);
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(sent.Headers.Location!.ToString(), Does.StartWith($"/Reports/Fill/{id}"));
        var after = Decode(await client.GetStringAsync(sent.Headers.Location!.ToString()));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await StatusAsync(id), Is.EqualTo("submitted"));
            Assert.That(after, Does.Contain("Отчёт отправлен на проверку"));
            Assert.That(after, Does.Contain("отправлен"));
            Assert.That(after, Does.Not.Contain("<input id=\"cell-"), "no inputs once sent");
            Assert.That(after, Does.Not.Contain("id=\"submit-button\""));
            Assert.That(after, Does.Contain("id=\"cell-1_2_3\"").And.Contain(">15<"));
        });
        var late = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = await RowVersionAsync(id), cells = new[] { Cell("1", "02", "3", "1") } }, fillToken);
        Assert.That(late.StatusCode, Is.EqualTo((HttpStatusCode)423), "a sent report is read-only");
    }

    [Test]
    public async Task Title_fields_are_remembered_for_the_next_report_of_the_school()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveOkAsync(client, id, [], new { responsible_fio = "Сидорова Анна Петровна", phone = "+7 900 111-22-33" });
        var next = (await Open.OpenAsync(Analyst, As(Analyst), new Features.Campaigns.OpenCampaign.Command(
            (await ScalarAsync<long>("SELECT template_version_id FROM ekis.campaign WHERE id = $1", EntryCampaignId)), 2026, "1212", RealToday.AddDays(30), Kinds: ["general"]))).CampaignId;
        var second = (await Start.StartAsync(Director, As(Director), next, School1))!.Value;
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{second}"));
        Assert.That(page, Does.Contain("value=\"Сидорова Анна Петровна\"").And.Contain("value=\"+7 900 111-22-33\""));
    }

    [Test]
    public async Task Registry_title_fields_cannot_be_changed_from_the_page()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var response = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = await RowVersionAsync(id), cells = Array.Empty<object>(), title = new { okpo = "99999999" } }, await TokenAsync(client, $"/Reports/Fill/{id}"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(await ScalarAsync<string>("SELECT title ->> 'okpo' FROM ekis.report WHERE id = $1", id), Is.EqualTo("41000012"));
    }

    [TestCase("12,3,4", "не число")]
    [TestCase("-5", "отрицательное значение")]
    [TestCase("шестьдесят", "не число")]
    [TestCase("1234567890", "не соответствует формату N(9,0)")]
    public async Task A_bad_number_is_refused_with_a_message_and_nothing_of_the_batch_is_saved(string bad, string message)
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var before = await RowVersionAsync(id);
        var response = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = before, cells = new[] { Cell("1", "01", "3", "60"), Cell("1", "02", "3", bad) } }, await TokenAsync(client, $"/Reports/Fill/{id}"));
        var json = await JsonAsync(response);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(json.GetProperty("ok").GetBoolean(), Is.False);
            var error = json.GetProperty("errors").EnumerateArray().Single();
            Assert.That(error.GetProperty("row").GetString(), Is.EqualTo("02"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain(message));
            Assert.That(await ValueCountAsync(id), Is.Zero, "all or nothing");
            Assert.That(await RowVersionAsync(id), Is.EqualTo(before));
        });
    }

    [TestCase("1", "07", "3", "ячейка не заполняется («х»)")]
    [TestCase("1", "99", "3", "нет строки 99")]
    [TestCase("9", "01", "3", "нет раздела 9")]
    [TestCase("1", "01", "А", "графа А не заполняется значениями")]
    [TestCase("1", "06", "3", "не соответствует формату N(4,1)")]
    public async Task A_value_in_a_cell_that_is_not_filled_or_does_not_exist_is_refused(string section, string row, string column, string message)
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var value = row == "06" ? "20,55" : "5";
        var response = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = await RowVersionAsync(id), cells = new[] { Cell(section, row, column, value) } }, await TokenAsync(client, $"/Reports/Fill/{id}"));
        var json = await JsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(json.GetProperty("errors")[0].GetProperty("message").GetString(), Does.Contain(message));
        Assert.That(await ValueCountAsync(id), Is.Zero);
    }

    [Test]
    public async Task Malformed_json_is_a_bad_request()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/Reports/Fill/{id}?handler=Save")
        {
            Content = new StringContent("{\"rowVersion\": \"x\", \"cells\": [", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("RequestVerificationToken", await TokenAsync(client, $"/Reports/Fill/{id}"));
        var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await ValueCountAsync(id), Is.Zero);
    }

    [Test]
    public async Task A_stale_row_version_is_refused_with_409_and_changes_nothing()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveOkAsync(client, id, [Cell("1", "01", "3", "60")]);
        var response = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = await RowVersionAsync(id) - 1, cells = new[] { Cell("1", "01", "3", "61") } }, await TokenAsync(client, $"/Reports/Fill/{id}"));
        var json = await JsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(json.GetProperty("message").GetString(), Is.EqualTo(SaveValues.StaleMessage));
        Assert.That(await ScalarAsync<string>("SELECT v.value::text FROM ekis.report_value v WHERE v.report_id = $1", id), Is.EqualTo("60"));
    }

    [Test]
    public async Task Russian_number_input_is_saved_and_shown_with_spaces_and_a_decimal_comma()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveOkAsync(client, id, [Cell("1", "01", "3", "1 234"), Cell("1", "06", "3", "20,5")]);
        var stored = await ScalarAsync<string>("SELECT string_agg(v.value::text, ';' ORDER BY v.value) FROM ekis.report_value v WHERE v.report_id = $1", id);
        Assert.That(stored, Is.EqualTo("20.5;1234"));
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}"));
        Assert.That(page, Does.Contain("value=\"1 234\"").And.Contain("value=\"20,5\""));
    }

    [Test]
    public async Task A_fill_only_employee_saves_but_cannot_send_and_sees_no_send_button()
    {
        var id = await StartedReportAsync();
        var client = await SignInAsync("t-filler");
        await SaveOkAsync(client, id, [Cell("1", "01", "3", "60")]);
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}"));
        Assert.That(page, Does.Not.Contain("id=\"submit-button\""));
        Assert.That(page, Does.Contain("<input id=\"cell-1_1_3\""));
        var response = await SubmitAsync(client, id);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(Decode(await response.Content.ReadAsStringAsync()), Does.Contain("нет права отправлять"));
        Assert.That(await StatusAsync(id), Is.EqualTo("draft"));
    }

    [Test]
    public async Task After_the_deadline_saving_and_sending_answer_423_and_the_page_is_read_only()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveCleanAsync(client, id);
        // The web app's own clock decides (not the database's current_date, which may be in another time zone).
        await ExecuteAsAsync(Actor.Cli, "UPDATE ekis.campaign SET due_date = $1 WHERE id = $2", RealToday.AddDays(-1), EntryCampaignId);
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        var save = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = await RowVersionAsync(id), cells = new[] { Cell("1", "01", "3", "61") } }, token);
        var submit = await SubmitAsync(client, id);
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}"));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(save.StatusCode, Is.EqualTo((HttpStatusCode)423));
            Assert.That((await JsonAsync(save)).GetProperty("message").GetString(), Does.Contain("Срок сдачи"));
            Assert.That(submit.StatusCode, Is.EqualTo((HttpStatusCode)423));
            Assert.That(await StatusAsync(id), Is.EqualTo("draft"));
            Assert.That(page, Does.Contain("Срок сдачи отчёта истёк").And.Not.Contain("<input id=\"cell-"));
            Assert.That(Decode(await client.GetStringAsync("/Reports/My")), Does.Contain("просрочено на 1 дн."));
        });
    }

    [Test]
    public async Task A_second_submission_is_refused_and_a_replayed_form_is_stale()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveCleanAsync(client, id);
        var version = await RowVersionAsync(id);
        Assert.That((await SubmitAsync(client, id, version)).StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var replay = await SubmitAsync(client, id, version);
        var again = await SubmitAsync(client, id);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(Decode(await replay.Content.ReadAsStringAsync()), Does.Contain("изменён другим пользователем"));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(Decode(await again.Content.ReadAsStringAsync()), Does.Contain("отправить его повторно нельзя"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.report_transition WHERE report_id = $1 AND to_status = 'submitted'", id), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_report_with_errors_is_not_sent_and_the_errors_are_listed()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveOkAsync(client, id, [Cell("1", "01", "3", "61"), .. CleanJsonCells()[1..]], FullJsonTitle);
        var response = await SubmitAsync(client, id);
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(Decode(html), Does.Contain("В отчёте есть ошибки"));
        // Issue 10, point 15: the findings reach the page's script with their cells, which it lists with links like «Проверить».
        var data = System.Text.Json.JsonDocument.Parse(EntryData().Match(html).Groups[1].Value).RootElement;
        var error = data.GetProperty("submitCheck").GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("controlId").GetString() == "1");
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("Контроль 1"));
        Assert.That(error.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("section").GetString() + "/" + c.GetProperty("row").GetString()),
            Does.Contain("1/01"));
        Assert.That(await StatusAsync(id), Is.EqualTo("draft"));
    }

    [System.Text.RegularExpressions.GeneratedRegex("<script type=\"application/json\" id=\"entry-data\">(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex EntryData();

    [Test]
    public async Task Missing_antiforgery_token_is_a_bad_request_for_every_post()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var before = await RowVersionAsync(id);
        var save = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Save", new { rowVersion = before, cells = new[] { Cell("1", "01", "3", "60") } }, null);
        var check = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Check", new { }, null);
        var explain = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Explain", new { controlId = "7", explanation = "x" }, null);
        var comment = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Comment", new { section = "1", row = "01", column = "3", comment = "x" }, null);
        var submit = await client.PostAsync($"/Reports/Fill/{id}?handler=Submit", new FormUrlEncodedContent(new Dictionary<string, string> { ["rowVersion"] = before.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var start = await client.PostAsync("/Reports/My?handler=Start", new FormUrlEncodedContent(new Dictionary<string, string> { ["campaignId"] = "1", ["orgUnitId"] = "1" }));
        await Assert.MultipleAsync(async () =>
        {
            foreach (var r in new[] { save, check, explain, comment, submit, start })
                Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), r.RequestMessage!.RequestUri!.ToString());
            Assert.That(await RowVersionAsync(id), Is.EqualTo(before));
            Assert.That(await ValueCountAsync(id), Is.Zero);
        });
    }

    [Test]
    public async Task Cell_comments_are_added_shown_and_removed_with_an_audit_trail_and_the_value_history_names_the_person()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveOkAsync(client, id, [Cell("1", "01", "3", "60")]);
        await SaveOkAsync(client, id, [Cell("1", "01", "3", "62")]);
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        var add = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Comment", new { section = "1", row = "1", column = "3", comment = "по приказу № 12" }, token);
        Assert.That(add.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}"));
        Assert.That(page, Does.Contain("has-comment").And.Contain("data-comment=\"по приказу № 12\""));

        var history = await JsonAsync(await client.GetAsync($"/Reports/Fill/{id}?handler=CellHistory&section=1&row=01&column=3"));
        Assert.That(history.GetArrayLength(), Is.EqualTo(2));
        Assert.That(history[0].GetProperty("oldValue").GetString(), Is.EqualTo("60"));
        Assert.That(history[0].GetProperty("newValue").GetString(), Is.EqualTo("62"));
        Assert.That(history[0].GetProperty("who").GetString(), Is.EqualTo("Тестовый t-director"));
        Assert.That(history[0].GetProperty("source").GetString(), Is.EqualTo("ввод"));

        var bad = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Comment", new { section = "1", row = "07", column = "3", comment = "x" }, token);
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a «х» cell may carry a comment (explaining why it is empty)");
        var unknown = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Comment", new { section = "1", row = "99", column = "3", comment = "x" }, token);
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));

        var remove = await PostJsonAsync(client, $"/Reports/Fill/{id}?handler=Comment", new { section = "1", row = "01", column = "3", comment = "" }, token);
        Assert.That(remove.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.report_cell_comment WHERE report_id = $1", id), Is.EqualTo(1));
        Assert.That(await ScalarAsync<string>("SELECT details ->> 'comment' FROM ekis.audit_event WHERE action = 'cell_comment_removed' AND entity_id = $1", id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo("по приказу № 12"));
        Assert.That(await ScalarAsync<string>("SELECT created_by FROM ekis.report_cell_comment WHERE report_id = $1", id), Does.StartWith("user:"));
    }

    [Test]
    public async Task Repeatable_rows_show_their_instances_with_the_dictionary_picker()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        await SaveCleanAsync(client, id);
        var page = Decode(await client.GetStringAsync($"/Reports/Fill/{id}?section=2"));
        await Assert.MultipleAsync(() =>
        {
            Assert.That(page, Does.Contain("id=\"cell-2_1_4_1\"").And.Contain("id=\"cell-2_1_4_2\""));
            Assert.That(page, Does.Contain("1-е классы").And.Contain("11-е классы"), "the picker lists the dictionary s_parallel");
            Assert.That(page, Does.Match("class=\"tab active\"\\s+data-section=\"2\""));
            return Task.CompletedTask;
        });
        var section1 = Decode(await client.GetStringAsync($"/Reports/Fill/{id}?section=1"));
        Assert.That(section1, Does.Not.Contain("id=\"cell-2_1_4_1\""), "one section per request");
    }
}
