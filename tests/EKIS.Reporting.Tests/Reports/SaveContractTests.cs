using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>
/// Issue 10, point 5: the JSON endpoints of the entry page answer every malformed body with 400, a
/// Russian message in the endpoint's own JSON shape, and write nothing; a valid body still saves.
/// </summary>
public sealed partial class SaveContractTests : ReportPageTest
{
    /// <summary>A valid save: a fixed-row cell, a repeatable-row cell with its key, one title field.</summary>
    private static JsonObject ValidSave(int rowVersion) => new()
    {
        ["rowVersion"] = rowVersion,
        ["cells"] = new JsonArray(
            new JsonObject { ["section"] = "1", ["row"] = "01", ["column"] = "3", ["value"] = "60" },
            new JsonObject { ["section"] = "2", ["row"] = "01", ["column"] = "3", ["s1"] = "1", ["s2"] = "", ["s3"] = "", ["value"] = "1" }),
        ["title"] = new JsonObject { ["responsible_fio"] = "Петров Пётр Петрович" },
    };

    /// <summary>The save contract as docs/CAMPAIGNS.md states it.</summary>
    private static JsonFuzz SaveFuzz(int rowVersion) => new(ValidSave(rowVersion))
    {
        Optional = new HashSet<string> { "title", "title.*", "cells[].s1", "cells[].s2", "cells[].s3" },
        Nullable = new HashSet<string> { "title", "cells[].s1", "cells[].s2", "cells[].s3", "cells[].value" },
        Maps = new HashSet<string> { "title" },
    };

    [Test]
    public async Task Every_malformed_save_body_is_a_400_with_a_russian_message_and_changes_nothing()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        var variants = SaveFuzz(0).Malformed().ToList();
        Assert.That(variants, Has.Count.GreaterThan(100), "the generator covers every member");

        var failures = await FuzzAsync(client, $"/Reports/Fill/{id}?handler=Save", token, id, rowVersion => SaveFuzz(rowVersion).Malformed().ToList());
        Assert.That(failures, Is.Empty, $"{failures.Count} of {variants.Count} malformed bodies:\n" + string.Join("\n", failures));

        var before = await SnapshotAsync(id);
        var saved = await SaveOkRawAsync(client, id, token, ValidSave(before.RowVersion));
        Assert.That(saved.GetProperty("changed").GetInt32(), Is.EqualTo(2), "the valid body still saves after all that");
        Assert.That(await ScalarAsync<string>("SELECT title ->> 'responsible_fio' FROM ekis.report WHERE id = $1", id), Is.EqualTo("Петров Пётр Петрович"));
    }

    [Test]
    public async Task The_two_bodies_from_the_issue_are_refused_with_400()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        var before = await SnapshotAsync(id);
        foreach (var body in new[] { $"{{\"rowVersion\":{before.RowVersion},\"cells\":[null]}}", "{\"title\":{\"responsible_fio\":null}}",
                                     $"{{\"rowVersion\":{before.RowVersion},\"cells\":[],\"title\":{{\"responsible_fio\":null}}}}" })
        {
            var response = await SendAsync(client, $"/Reports/Fill/{id}?handler=Save", token, new JsonFuzz.Variant(body, Encoding.UTF8.GetBytes(body)));
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body + " → " + text);
            Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("message").GetString(), Does.Match(Cyrillic().ToString()), body);
        }
        Assert.That(await SnapshotAsync(id), Is.EqualTo(before));
    }

    [Test]
    public async Task Optional_and_nullable_members_are_accepted_by_the_contract()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        var problems = new List<string>();
        var count = SaveFuzz(0).Allowed().Count();
        Assert.That(count, Is.GreaterThan(5));
        for (var i = 0; i < count; i++)
        {
            // Each save bumps the row version, so the variant is generated again from the current one.
            var v = SaveFuzz(await RowVersionAsync(id)).Allowed().ElementAt(i);
            var response = await SendAsync(client, $"/Reports/Fill/{id}?handler=Save", token, v);
            var text = await response.Content.ReadAsStringAsync();
            // A repeatable row without its key is a refused cell (422), not a malformed body.
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity))
                problems.Add($"{v.Name}: {(int)response.StatusCode} {Shorten(text)}");
        }
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public async Task More_cells_than_a_save_may_carry_or_an_oversized_body_is_a_400_and_changes_nothing()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        var before = await SnapshotAsync(id);

        var many = ValidSave(before.RowVersion);
        var cells = new JsonArray();
        for (var i = 0; i < 20_001; i++) cells.Add(new JsonObject { ["section"] = "1", ["row"] = "01", ["column"] = "3", ["value"] = "60" });
        many["cells"] = cells;
        var huge = ValidSave(before.RowVersion);
        huge["cells"]![0]!["value"] = new string('9', 9 * 1024 * 1024);

        var failures = new List<string>();
        failures.AddRange(await RefusedAsync(client, $"/Reports/Fill/{id}?handler=Save", token,
            new JsonFuzz.Variant("20 001 cells", Encoding.UTF8.GetBytes(many.ToJsonString())), id, before, expectOkFalse: true));
        failures.AddRange(await RefusedAsync(client, $"/Reports/Fill/{id}?handler=Save", token,
            new JsonFuzz.Variant("a 9 MB body", Encoding.UTF8.GetBytes(huge.ToJsonString())), id, before, expectOkFalse: true));
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    [Test]
    public async Task Every_malformed_explanation_or_comment_body_is_a_400_with_a_russian_message_and_changes_nothing()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        var before = await SnapshotAsync(id);
        var validExplain = new JsonObject { ["controlId"] = "7", ["explanation"] = "Открыт новый корпус." };
        var validComment = new JsonObject
        {
            ["section"] = "2", ["row"] = "01", ["column"] = "3", ["s1"] = "1", ["s2"] = "", ["s3"] = "", ["comment"] = "по приказу № 12",
        };
        var explain = new JsonFuzz(validExplain)
        {
            Nullable = new HashSet<string> { "explanation" },
        };
        var comment = new JsonFuzz(validComment)
        {
            Optional = new HashSet<string> { "s1", "s2", "s3" },
            Nullable = new HashSet<string> { "s1", "s2", "s3", "comment" },
        };

        var failures = new List<string>();
        var count = 0;
        foreach (var (handler, fuzz) in new[] { ("Explain", explain), ("Comment", comment) })
        {
            count += fuzz.Malformed().Count();
            failures.AddRange((await FuzzAsync(client, $"/Reports/Fill/{id}?handler={handler}", token, id, _ => fuzz.Malformed().ToList()))
                .Select(f => handler + " " + f));
        }
        Assert.That(failures, Is.Empty, $"{failures.Count} of {count} malformed bodies:\n" + string.Join("\n", failures));

        foreach (var (handler, body) in new[] { ("Explain", validExplain), ("Comment", validComment) })
        {
            var ok = await SendAsync(client, $"/Reports/Fill/{id}?handler={handler}", token, new JsonFuzz.Variant("valid", Encoding.UTF8.GetBytes(body.ToJsonString())));
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"the valid {handler} body: " + await ok.Content.ReadAsStringAsync());
        }
    }

    [Test]
    public async Task Value_history_and_check_never_answer_500_to_odd_requests()
    {
        var client = await SignInAsync("t-director");
        var id = await StartedReportAsync();
        var token = await TokenAsync(client, $"/Reports/Fill/{id}");
        var failures = new List<string>();
        foreach (var query in new[]
                 {
                     "", "&section=1", "&section=1&row=01", "&section=%00&row=01&column=3", "&section=1&row=01&column=3&s1=%00",
                     "&section=2&row=01&column=3&s1=%00", "&section=2&row=01&column=3&s1=" + new string('1', 5000),
                     "&section=2&row=01&column=3&s1=%ED%A0%80", "&section=1&row=01&column=3&s1=1",
                 })
        {
            var response = await client.GetAsync($"/Reports/Fill/{id}?handler=CellHistory{query}");
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500 || !IsJsonWithRussianMessage(text))
                failures.Add($"CellHistory{query[..Math.Min(query.Length, 60)]}: {(int)response.StatusCode} {Shorten(text)}");
        }
        foreach (var v in SaveFuzz(1).Malformed().Where(v => v.Name.Contains("body", StringComparison.Ordinal) || v.Name.Contains("content type", StringComparison.Ordinal)))
        {
            var response = await SendAsync(client, $"/Reports/Fill/{id}?handler=Check", token, v);
            if (response.StatusCode != HttpStatusCode.OK)
                failures.Add($"Check with {v.Name}: {(int)response.StatusCode} {Shorten(await response.Content.ReadAsStringAsync())}");
        }
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    private sealed record Snapshot(int RowVersion, string Title, long Values, long Changes, long Explanations, long Comments, long Audit);

    private static async Task<Snapshot> SnapshotAsync(long id)
    {
        var row = await ScalarAsync<string>("""
            SELECT concat_ws('|', r.row_version, r.title::text,
                (SELECT count(*) FROM ekis.report_value WHERE report_id = r.id),
                (SELECT count(*) FROM ekis.report_value_change WHERE report_id = r.id),
                (SELECT count(*) FROM ekis.report_explanation WHERE report_id = r.id),
                (SELECT count(*) FROM ekis.report_cell_comment WHERE report_id = r.id),
                (SELECT count(*) FROM ekis.audit_event))
            FROM ekis.report r WHERE r.id = $1
            """, id);
        var p = row!.Split('|');
        long L(int i) => long.Parse(p[i], System.Globalization.CultureInfo.InvariantCulture);
        return new Snapshot((int)L(0), p[1], L(2), L(3), L(4), L(5), L(6));
    }

    /// <summary>
    /// Sends every variant and lists what went wrong. A variant that did change the database is recorded
    /// and the rest are generated again from the new row version, so each one is judged on its own.
    /// </summary>
    private static async Task<List<string>> FuzzAsync(HttpClient client, string url, string token, long id, Func<int, IReadOnlyList<JsonFuzz.Variant>> generate)
    {
        var failures = new List<string>();
        var before = await SnapshotAsync(id);
        var variants = generate(before.RowVersion);
        for (var i = 0; i < variants.Count; i++)
        {
            var problems = (await RefusedAsync(client, url, token, variants[i], id, before, expectOkFalse: true)).ToList();
            failures.AddRange(problems);
            if (problems.Any(p => p.Contains("the database changed", StringComparison.Ordinal)))
            {
                before = await SnapshotAsync(id);
                variants = generate(before.RowVersion);
            }
        }
        return failures;
    }

    /// <summary>What is wrong with the answer to a malformed body (empty when it is a proper refusal).</summary>
    private static async Task<IEnumerable<string>> RefusedAsync(HttpClient client, string url, string token, JsonFuzz.Variant v, long id, Snapshot before, bool expectOkFalse)
    {
        var problems = new List<string>();
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(client, url, token, v);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            return [$"{v.Name}: the request failed: {e.Message}"];
        }
        var text = await response.Content.ReadAsStringAsync();
        await TestContext.Out.WriteLineAsync($"{v.Name} → {(int)response.StatusCode} {Shorten(IsJsonWithRussianMessage(text) ? JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()! : text)}");
        if (response.StatusCode != HttpStatusCode.BadRequest) problems.Add($"{v.Name}: {(int)response.StatusCode} instead of 400: {Shorten(text)}");
        else if (!IsJsonWithRussianMessage(text)) problems.Add($"{v.Name}: 400 without a JSON body with a Russian message: {Shorten(text)}");
        else if (expectOkFalse && JsonDocument.Parse(text).RootElement.TryGetProperty("ok", out var ok) && ok.ValueKind != JsonValueKind.False)
            problems.Add($"{v.Name}: ok is not false");
        var after = await SnapshotAsync(id);
        if (after != before)
            problems.Add($"{v.Name}: the database changed: row version {before.RowVersion} → {after.RowVersion}, title {(after.Title == before.Title ? "same" : "changed")}, " +
                         $"values {before.Values} → {after.Values}, comments {before.Comments} → {after.Comments}, explanations {before.Explanations} → {after.Explanations}");
        return problems;
    }

    private static bool IsJsonWithRussianMessage(string text)
    {
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                   && Cyrillic().IsMatch(m.GetString()!);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string url, string token, JsonFuzz.Variant v)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(v.Body) };
        if (v.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(v.ContentType);
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> SaveOkRawAsync(HttpClient client, long id, string token, JsonObject body)
    {
        var response = await SendAsync(client, $"/Reports/Fill/{id}?handler=Save", token, new JsonFuzz.Variant("valid", Encoding.UTF8.GetBytes(body.ToJsonString())));
        var json = await JsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToString());
        return json;
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";

    [GeneratedRegex("[А-Яа-яЁё]{3,}")]
    private static partial Regex Cyrillic();
}
