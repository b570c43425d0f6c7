using System.Net;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;
using EKIS.Reporting.Tests.Templates;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>Issue 6 "Bad input and security" and items 3, 6: who may open which report page, and what they see.</summary>
public sealed class ReportScopeTests : ReportPageTest
{
    [Test]
    public async Task Another_schools_report_is_404_on_every_page_and_handler_and_nothing_changes()
    {
        var id = await StartedReportAsync();
        var owner = await SignInAsync("t-director");
        await SaveCleanAsync(owner, id);
        var before = await RowVersionAsync(id);

        var other = await SignInAsync("t-director7");
        var token = await TokenAsync(other);
        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["GET fill"] = await other.GetAsync($"/Reports/Fill/{id}"),
            ["GET print"] = await other.GetAsync($"/Reports/Print/{id}"),
            ["GET history"] = await other.GetAsync($"/Reports/Fill/{id}?handler=CellHistory&section=1&row=01&column=3"),
            ["save"] = await PostJsonAsync(other, $"/Reports/Fill/{id}?handler=Save", new { rowVersion = before, cells = new[] { Cell("1", "01", "3", "1") } }, token),
            ["check"] = await PostJsonAsync(other, $"/Reports/Fill/{id}?handler=Check", new { }, token),
            ["explain"] = await PostJsonAsync(other, $"/Reports/Fill/{id}?handler=Explain", new { controlId = "7", explanation = "x" }, token),
            ["comment"] = await PostJsonAsync(other, $"/Reports/Fill/{id}?handler=Comment", new { section = "1", row = "01", column = "3", comment = "x" }, token),
            ["submit"] = await SubmitAsync(other, id, before, "/Reports/My"),
            ["start"] = await other.PostAsync("/Reports/My?handler=Start", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["campaignId"] = EntryCampaignId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["orgUnitId"] = School1.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["__RequestVerificationToken"] = token,
            })),
        };
        await Assert.MultipleAsync(async () =>
        {
            foreach (var (what, r) in responses)
                Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), what);
            Assert.That(await RowVersionAsync(id), Is.EqualTo(before));
            Assert.That(await StatusAsync(id), Is.EqualTo("draft"));
            Assert.That(await ScalarAsync<string>("SELECT v.value::text FROM ekis.report_value v JOIN ekis.template_cell c USING (cell_id) WHERE v.report_id = $1 AND c.section = '1' AND c.row_code = '01'", id), Is.EqualTo("60"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.report_explanation") + await ScalarAsync<long>("SELECT count(*) FROM ekis.report_cell_comment"), Is.Zero);
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.report WHERE org_unit_id = $1", School1), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Reviewers_of_the_municipality_open_the_report_read_only_and_others_get_404()
    {
        var id = await StartedReportAsync();
        var director = await SignInAsync("t-director");
        await SaveCleanAsync(director, id);
        var op = await SignInAsync("t-operator");
        var page = Decode(await op.GetStringAsync($"/Reports/Fill/{id}"));
        var analystPage = await (await SignInAsync("t-analyst")).GetAsync($"/Reports/Fill/{id}");
        var save = await PostJsonAsync(op, $"/Reports/Fill/{id}?handler=Save",
            new { rowVersion = await RowVersionAsync(id), cells = new[] { Cell("1", "01", "3", "1") } }, await TokenAsync(op, $"/Reports/Fill/{id}"));
        var otherOp = await (await SignInAsync("t-operator-ozr")).GetAsync($"/Reports/Fill/{id}");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(page, Does.Contain("Просмотр отчёта").And.Not.Contain("<input id=\"cell-").And.Not.Contain("id=\"submit-button\""));
            Assert.That(page, Does.Contain("id=\"cell-1_1_3\"").And.Contain(">60<"));
            Assert.That(analystPage.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(save.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(otherOp.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await op.GetAsync("/Reports/My")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "«Мои формы» is for schools");
            Assert.That(await ScalarAsync<string>("SELECT v.value::text FROM ekis.report_value v JOIN ekis.template_cell c USING (cell_id) WHERE v.report_id = $1 AND c.section = '1' AND c.row_code = '01'", id), Is.EqualTo("60"));
        });
    }

    [Test]
    public async Task The_printable_view_shows_every_section_the_title_and_the_signatures()
    {
        var id = await StartedReportAsync();
        var director = await SignInAsync("t-director");
        await SaveOkAsync(director, id, [.. CleanJsonCells()], new { responsible_fio = "Петров Пётр Петрович" });
        var html = Decode(await director.GetStringAsync($"/Reports/Print/{id}"));
        await Assert.MultipleAsync(() =>
        {
            Assert.That(html, Does.Contain("Раздел 1. Контингент обучающихся").And.Contain("Раздел 2. Контингент по параллелям"));
            Assert.That(html, Does.Contain("41000012").And.Contain("Петров Пётр Петрович"));
            Assert.That(html, Does.Contain("class=\"signatures\"").And.Contain("черновик"));
            Assert.That(html, Does.Contain("2-е классы").And.Contain(">35<"));
            Assert.That(html, Does.Not.Contain("<input id=\"cell-"));
            return Task.CompletedTask;
        });
    }

    [Test]
    public async Task A_corrected_version_highlights_the_cells_changed_since_regional_acceptance()
    {
        var id = await StartedReportAsync();
        var director = await SignInAsync("t-director");
        await SaveCleanAsync(director, id);
        Assert.That((await SubmitAsync(director, id)).StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That((await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id)).Ok, Is.True);
        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), id)).Ok, Is.True);
        var reopened = await Review.ReopenAsNewVersionAsync(Analyst, As(Analyst), id, "Уточните число прибывших");
        var v2 = reopened.NewReportId!.Value;
        await SaveOkAsync(director, v2, [Cell("1", "01", "3", "1 060")]);

        var page = Decode(await director.GetStringAsync($"/Reports/Fill/{v2}"));
        var accepted = Decode(await director.GetStringAsync($"/Reports/Fill/{id}"));
        await Assert.MultipleAsync(() =>
        {
            Assert.That(Count(page, "class=\"cell changed"), Is.EqualTo(1), "only row 01 changed");
            Assert.That(page, Does.Contain("Было до исправления: 60").And.Contain("data-old=\"60\""));
            Assert.That(page, Does.Contain("id=\"only-changed\""));
            Assert.That(page, Does.Contain("Отчёт открыт для исправления").And.Contain("Уточните число прибывших"));
            Assert.That(accepted, Does.Contain("принят департаментом").And.Not.Contain("<input id=\"cell-"), "the accepted version stays readable");
            return Task.CompletedTask;
        });
    }

    [Test]
    public async Task A_returned_report_shows_the_return_comment_and_can_be_edited_again()
    {
        var id = await StartedReportAsync();
        var director = await SignInAsync("t-director");
        await SaveCleanAsync(director, id);
        await SubmitAsync(director, id);
        Assert.That((await Review.ReturnByMunicipalityAsync(Operator, As(Operator), id, "Проверьте число классов")).Ok, Is.True);
        var page = Decode(await director.GetStringAsync($"/Reports/Fill/{id}"));
        Assert.That(page, Does.Contain("id=\"return-note\"").And.Contain("Проверьте число классов").And.Contain("<input id=\"cell-1_1_3\""));
    }

    [Test]
    public void Sum_hints_follow_the_templates_sum_controls()
    {
        var t = TemplateXml.LoadString(File.ReadAllText(TemplateTestKit.RepoPath("templates", "forms", "oo-1.xml")));
        var hints = SumHints.For(t, t.Sections[t.SectionIndex("2.1.2")]);
        string Parts(SumHints.Hint h) => string.Join(",", h.Parts.Select(p => p.Row + "/" + p.Column));
        var total01 = hints.Single(h => h.Row == "01" && h.Column == "4");
        var total02 = hints.Single(h => h.Row == "02" && h.Column == "3");
        Assert.Multiple(() =>
        {
            Assert.That(Parts(total01), Is.EqualTo("02/4,03/4,04/4"), "control 5: row 01 = rows 02–04 in every column");
            Assert.That(Parts(total02), Is.EqualTo("02/4,02/5"), "control 6: column 3 = 4 + 5 in every row");
            Assert.That(hints.Select(h => (h.Row, h.Column)), Is.Unique);
            Assert.That(hints.Where(h => h.Column == "6").Select(h => h.Row), Is.EqualTo(new[] { "01" }), "control 7 (≥) gives no hint, control 5 does");
        });
    }

    // Issue 11, point 7: this test used to time the page and assert a median under 100 ms, which a
    // loaded machine fails at random. The time is a benchmark figure now (docs/BENCHMARKS.md, «Entry
    // page of the largest section»: `campaign --only entry`); here only that the page renders it all.
    [Test]
    public async Task The_largest_section_renders_with_every_cell_it_holds()
    {
        var t = TemplateXml.LoadString(File.ReadAllText(TemplateTestKit.RepoPath("templates", "forms", "85-k.xml")));
        var largest = t.Sections.OrderByDescending(s => s.Rows.Count * s.Columns.Count).First();
        var loaded = await Templates.LoadAsync(EKIS.Reporting.Infrastructure.Actors.Actor.Cli, "85-k.xml", File.ReadAllText(TemplateTestKit.RepoPath("templates", "forms", "85-k.xml")));
        var campaign = (await Open.OpenAsync(Analyst, As(Analyst), new Features.Campaigns.OpenCampaign.Command(loaded.Id, 2026, "0101", RealToday.AddDays(10), Kinds: ["general"]))).CampaignId;
        var id = (await Start.StartAsync(Director, As(Director), campaign, School1))!.Value;
        var cells = new List<object>();
        for (var ri = 0; ri < largest.Rows.Count; ri++)
        for (var ci = 0; ci < largest.Columns.Count; ci++)
        {
            if (largest.Rows[ri].Type != RowType.F || largest.Columns[ci].Type != ColumnType.Z || largest.CellSpecFor(ri, ci).InputType == InputType.NotEntered) continue;
            if (largest.CellSpecFor(ri, ci).Format is not CellFormat.Number) continue;
            cells.Add(Cell(largest.Code, largest.Rows[ri].Code, largest.Columns[ci].Code, "1"));
        }
        var client = await SignInAsync("t-director");
        await SaveOkAsync(client, id, [.. cells]);
        var response = await client.GetAsync($"/Reports/Fill/{id}?section={Uri.EscapeDataString(largest.Code)}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Count(html, "<input id=\"cell-"), Is.GreaterThanOrEqualTo(cells.Count), $"85-К section {largest.Code}: {cells.Count} filled cells");
    }

    [Test]
    public async Task A_school_moved_after_the_reference_date_stays_with_the_municipality_of_that_date()
    {
        var id = await StartedReportAsync();
        await ExecuteAsAsync(EKIS.Reporting.Infrastructure.Actors.Actor.Cli, "UPDATE ekis.campaign SET reference_date = $1 WHERE id = $2", RealToday, EntryCampaignId);
        var moved = await new EKIS.Reporting.Features.Registry.ReorganiseOrganisation(Db).MoveAsync("100001", "M-OZR", RealToday.AddDays(1), EKIS.Reporting.Infrastructure.Actors.Actor.Cli);
        Assert.That(moved.Problem, Is.Null);
        var oldOperator = await (await SignInAsync("t-operator")).GetAsync($"/Reports/Fill/{id}");
        var newOperator = await (await SignInAsync("t-operator-ozr")).GetAsync($"/Reports/Fill/{id}");
        var director = await (await SignInAsync("t-director")).GetAsync($"/Reports/Fill/{id}");
        await Assert.MultipleAsync(() =>
        {
            Assert.That(oldOperator.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Северный on the reference date");
            Assert.That(newOperator.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "Озёрск only from the move on");
            Assert.That(director.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            return Task.CompletedTask;
        });
    }

    [Test]
    public async Task A_director_sees_the_forms_of_the_school_and_its_branch()
    {
        await ScopeAsync("t-director-zar", EKIS.Reporting.Features.Access.Roles.Director, "200001");
        var client = await SignInAsync("t-director-zar");
        var html = Decode(await client.GetStringAsync("/Reports/My"));
        var names = await ScalarAsync<string>(
            "SELECT string_agg(coalesce(short_name, name), '|' ORDER BY ekis_code) FROM ekis.org_unit WHERE ekis_code IN ('200001', '200001-01')");
        foreach (var name in names!.Split('|'))
            Assert.That(html, Does.Contain(name));
        Assert.That(Count(html, "data-campaign=\""), Is.EqualTo(2));
    }
}

/// <summary>An employee without the fill right may open the school's reports but not start one.</summary>
public sealed class StartRightTests : ReportPageTest
{
    [Test]
    public async Task An_employee_without_rights_gets_a_clear_403_and_no_draft_is_created()
    {
        await ScopeAsync("t-reader", EKIS.Reporting.Features.Access.Roles.Employee, "100001");
        var client = await SignInAsync("t-reader");
        var token = await TokenAsync(client);
        var start = await client.PostAsync("/Reports/My?handler=Start", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["campaignId"] = EntryCampaignId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["orgUnitId"] = School1.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["__RequestVerificationToken"] = token,
        }));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(start.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
            Assert.That(System.Net.WebUtility.HtmlDecode(await start.Content.ReadAsStringAsync()), Does.Contain("с правом заполнения"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.report WHERE campaign_id = $1", EntryCampaignId), Is.Zero);
        });

        // Once the director has started it, the same employee may open it (read-only).
        var id = await StartedReportAsync();
        Assert.That((await client.GetAsync($"/Reports/Fill/{id}")).StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
    }
}
