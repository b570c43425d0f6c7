using System.Net;
using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Review;

/// <summary>Issue 6, items 1 and 7: the campaign pages — list, opening, progress with Excel, respondents, closing.</summary>
public sealed class CampaignPagesTests : ReviewWebTest
{
    private static Task<long> CampaignCountAsync() => ScalarAsync<long>("SELECT count(*) FROM ekis.campaign");

    [Test]
    public async Task Analyst_opens_a_campaign_from_the_form_and_sees_how_many_respondents_are_expected()
    {
        var analyst = await SignInAsync("t-analyst");
        var form = await GetHtmlAsync(analyst, "/Campaigns/New");
        Assert.That(form, Does.Contain("dept-contingent").Or.Contain("Открыть кампанию"));
        var zar = await TestAccounts.UnitIdAsync(Db, "M-ZAR");
        var response = await PostAsync(analyst, "/Campaigns/New", "", new()
        {
            ["Input.TemplateVersionId"] = TemplateId.ToString(), ["Input.Year"] = "2026", ["Input.Period"] = "1211",
            ["Input.ReferenceDate"] = "2026-11-01", ["Input.DueDate"] = "10.11.2026", ["Input.ReviewDate"] = "2026-11-15",
            ["Input.Municipalities"] = zar.ToString(),
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await BodyAsync(response));
        var id = await ScalarAsync<long>("SELECT id FROM ekis.campaign WHERE period = '1211'");
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/Campaigns/{id}/Progress"));
        var expected = await ScalarAsync<long>("SELECT count(*) FROM ekis.campaign_respondent WHERE campaign_id = $1", id);
        var page = await FollowAsync(analyst, response);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(expected, Is.EqualTo(3), "two organisations and a branch of Заречный МР");
            Assert.That(page, Does.Contain($"Ожидается респондентов: {expected}."));
            Assert.That(page, Does.Contain("01.11.2026").And.Contain("10.11.2026").And.Contain("15.11.2026"));
            Assert.That(await ScalarAsync<string>("SELECT opened_by FROM ekis.campaign WHERE id = $1", id), Is.EqualTo($"user:{Analyst.UserId}"));
            var list = await GetHtmlAsync(analyst, "/Campaigns");
            Assert.That(list, Does.Contain("2026 / 1211").And.Contain($"/Campaigns/{id}/Progress"));
        });
    }

    [Test]
    public async Task Invalid_dates_and_fields_in_the_campaign_form_are_refused_with_russian_messages_and_nothing_is_opened()
    {
        var analyst = await SignInAsync("t-analyst");
        var before = await CampaignCountAsync();
        var response = await PostAsync(analyst, "/Campaigns/New", "", new()
        {
            ["Input.TemplateVersionId"] = TemplateId.ToString(), ["Input.Year"] = "20x6", ["Input.Period"] = "",
            ["Input.ReferenceDate"] = "31.02.2026", ["Input.DueDate"] = "2026-11-10", ["Input.ReviewDate"] = "2026-11-01",
        });
        var body = await BodyAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(body, Does.Contain("Год отчётного периода").And.Contain("Код периода")
            .And.Contain("Отчётная дата указана неверно").And.Contain("Срок проверки муниципалитетом не может быть раньше срока сдачи"));

        var noDue = await PostAsync(analyst, "/Campaigns/New", "", new()
        {
            ["Input.TemplateVersionId"] = TemplateId.ToString(), ["Input.Year"] = "2026", ["Input.Period"] = "1212", ["Input.DueDate"] = "10/11/2026",
        });
        Assert.That(await BodyAsync(noDue), Does.Contain("Срок сдачи указан неверно"));

        var duplicate = await PostAsync(analyst, "/Campaigns/New", "", new()
        {
            ["Input.TemplateVersionId"] = TemplateId.ToString(), ["Input.Year"] = "2026", ["Input.Period"] = "1210", ["Input.DueDate"] = "2026-10-10",
        });
        Assert.That(await BodyAsync(duplicate), Does.Contain("уже существует"), "the kit's campaign has this period");
        Assert.That(await CampaignCountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task The_list_sorts_and_pages_and_an_operator_sees_it_without_the_open_button()
    {
        for (var month = 1; month <= 26; month++)
            await Open.OpenAsync(Analyst, As(Analyst), new OpenCampaign.Command(TemplateId, 2025, month.ToString("00") + "25", new DateOnly(2025, 1, 1).AddDays(month),
                MunicipalityIds: [await TestAccounts.UnitIdAsync(Db, "M-ZAR")]));
        var analyst = await SignInAsync("t-analyst");
        var first = await GetHtmlAsync(analyst, "/Campaigns");
        var second = await GetHtmlAsync(analyst, "/Campaigns?sort=due&desc=true&page=2");
        var ascending = await GetHtmlAsync(analyst, "/Campaigns?sort=due&desc=false");
        Assert.Multiple(() =>
        {
            Assert.That(first, Does.Contain("Кампаний: 27").And.Contain("Страница 1 из 2").And.Contain("2026 / 1210"));
            Assert.That(first, Does.Not.Contain("2025 / 0125"), "the earliest due date is on the last page");
            Assert.That(second, Does.Contain("2025 / 0125").And.Contain("2025 / 0225").And.Not.Contain("2026 / 1210"));
            Assert.That(ascending.IndexOf("2025 / 0125", StringComparison.Ordinal), Is.LessThan(ascending.IndexOf("2025 / 0225", StringComparison.Ordinal)));
        });

        var op = await SignInAsync("t-operator");
        var opList = await GetHtmlAsync(op, "/Campaigns");
        Assert.That(opList, Does.Contain("2026 / 1210").And.Not.Contain("/Campaigns/New").And.Not.Contain("2025 / 0125"),
            "the Заречный campaigns have no respondent of Северный");
        await GetHtmlAsync(op, "/Campaigns/New", HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Progress_shows_counts_per_municipality_with_totals_and_who_sent_on_time()
    {
        var id = await SubmittedReportAsync();
        await SetSentOnAsync(id, Today);
        SetToday(Due.AddDays(1));
        var op = await SignInAsync("t-operator");
        var html = await GetHtmlAsync(op, $"/Campaigns/{CampaignId}/Progress");
        var sev = await TestAccounts.UnitIdAsync(Db, "M-SEV");
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("ГО Северный").And.Contain("Итого"));
            Assert.That(html, Does.Contain("Школа № 1").And.Contain("05.10.2026"), "sent on the kit's day");
            Assert.That(html, Does.Contain($"/Review/Report/{id}"));
            Assert.That(html, Does.Contain("просрочен"), "Gymnasium № 2 has not sent after the due date");
            Assert.That(html, Does.Not.Contain("Лицей № 7"));
        });
        var notSent = await GetHtmlAsync(op, $"/Campaigns/{CampaignId}/Progress?municipality={sev}&notSent=true");
        Assert.That(notSent, Does.Contain("кто не сдал").And.Not.Contain($"/Review/Report/{id}"));

        var progress = (await new CampaignProgress(Db, Clock).GetAsync(Operator, CampaignId))!;
        var school = progress.Respondents.Single(r => r.OrgUnitId == School1);
        Assert.That((school.SentOn, school.OnTime, school.Overdue), Is.EqualTo(((DateOnly?)Today, (bool?)true, false)));
        var gymnasium = progress.Respondents.Single(r => r.OrgUnitId == Gymnasium2);
        Assert.That((gymnasium.SentOn, gymnasium.OnTime, gymnasium.Overdue), Is.EqualTo(((DateOnly?)null, (bool?)null, true)));
    }

    [Test]
    public async Task A_report_sent_after_an_extension_past_the_due_date_is_on_time_and_one_sent_late_is_not()
    {
        var id = await StartSchool1Async();
        Assert.That((await SaveAsync(Director, id, CleanCells(), FullTitle)).Ok, Is.True);
        Assert.That((await Review.GrantExtensionAsync(Analyst, As(Analyst), id, Due.AddDays(3), "болезнь")).Ok, Is.True);
        Clock.Today = Due.AddDays(3);
        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
        await SetSentOnAsync(id, Due.AddDays(3));
        var progress = (await new CampaignProgress(Db, Clock).GetAsync(Analyst, CampaignId))!;
        Assert.That(progress.Respondents.Single(r => r.OrgUnitId == School1).OnTime, Is.True);

        // Sent a day after the last permitted day: late.
        await SetSentOnAsync(id, Due.AddDays(4));
        progress = (await new CampaignProgress(Db, Clock).GetAsync(Analyst, CampaignId))!;
        Assert.That(progress.Respondents.Single(r => r.OrgUnitId == School1).OnTime, Is.False);
    }

    [Test]
    public async Task The_excel_download_is_a_valid_workbook_with_typed_numbers_and_dates()
    {
        await SetSentOnAsync(await SubmittedReportAsync(), Today);
        var analyst = await SignInAsync("t-analyst");
        var response = await analyst.GetAsync($"/Campaigns/{CampaignId}/Progress?handler=Xlsx");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        using (var package = SpreadsheetDocument.Open(new MemoryStream(bytes), false))
        {
            var errors = new OpenXmlValidator().Validate(package).Select(e => e.Description).ToList();
            Assert.That(errors, Is.Empty, "the Open XML schema validator finds nothing Excel would repair");
        }

        var progress = (await new CampaignProgress(Db, Clock).GetAsync(Analyst, CampaignId))!;
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        var m = workbook.Worksheet("Муниципалитеты");
        var r = workbook.Worksheet("Организации");
        var totalsRow = progress.Municipalities.Count + 2;
        var schoolRow = r.RowsUsed().Single(x => x.Cell(2).GetString() == "100001");
        await Assert.MultipleAsync(() =>
        {
            Assert.That(m.Cell(1, 1).GetString(), Is.EqualTo("Муниципалитет"));
            Assert.That(m.Cell(1, 2).GetString(), Is.EqualTo("Ожидается"));
            Assert.That(m.Cell(1, 1).Style.Font.Bold, Is.True);
            Assert.That(m.SheetView.SplitRow, Is.EqualTo(1), "the header row is frozen");
            Assert.That(m.AutoFilter.IsEnabled, Is.True);
            Assert.That(m.AutoFilter.Range.RangeAddress.ToString(), Is.EqualTo($"A1:H{totalsRow - 1}"), "the totals row is outside the filter");
            Assert.That(m.Cell(totalsRow, 1).GetString(), Is.EqualTo("Итого"));
            Assert.That(m.Cell(totalsRow, 2).DataType, Is.EqualTo(XLDataType.Number));
            Assert.That(m.Cell(totalsRow, 2).GetValue<int>(), Is.EqualTo(progress.Totals.Expected));
            Assert.That(m.Cell(totalsRow, 3).GetValue<int>(), Is.EqualTo(1));
            Assert.That(m.Column(1).Width, Is.GreaterThan(m.Column(2).Width), "widths follow the content");
            Assert.That(r.RowsUsed().Count(), Is.EqualTo(progress.Respondents.Count + 1));
            Assert.That(schoolRow.Cell(4).GetString(), Is.EqualTo("отправлен"));
            Assert.That(schoolRow.Cell(5).DataType, Is.EqualTo(XLDataType.Number));
            Assert.That(schoolRow.Cell(6).DataType, Is.EqualTo(XLDataType.DateTime));
            Assert.That(schoolRow.Cell(6).GetDateTime(), Is.EqualTo(Today.ToDateTime(TimeOnly.MinValue)));
            Assert.That(schoolRow.Cell(6).Style.DateFormat.Format, Is.EqualTo("dd.mm.yyyy"));
            Assert.That(schoolRow.Cell(8).GetString(), Is.EqualTo("да"));
            return Task.CompletedTask;
        });
    }

    [Test]
    public async Task An_analyst_closes_and_archives_a_campaign_with_a_reason_that_is_audited()
    {
        var analyst = await SignInAsync("t-analyst");
        var page = $"/Campaigns/{CampaignId}/Progress";
        var noReason = await PostAsync(analyst, page, "Status", new() { ["from"] = "open", ["to"] = "closed", ["reason"] = " " });
        Assert.That(noReason.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(await BodyAsync(noReason), Does.Contain("Укажите причину"));
        Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.campaign WHERE id = $1", CampaignId), Is.EqualTo("open"));

        var closed = await PostAsync(analyst, page, "Status", new() { ["from"] = "open", ["to"] = "closed", ["reason"] = "сбор завершён" });
        Assert.That(await FollowAsync(analyst, closed), Does.Contain("Статус кампании изменён: «закрыта»"));
        var stale = await PostAsync(analyst, page, "Status", new() { ["from"] = "open", ["to"] = "closed", ["reason"] = "ещё раз" });
        Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a stale form from the open state");
        var archived = await PostAsync(analyst, page, "Status", new() { ["from"] = "closed", ["to"] = "archived", ["reason"] = "в архив" });
        Assert.That(archived.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.campaign WHERE id = $1", CampaignId), Is.EqualTo("archived"));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.audit_event WHERE action = 'campaign_status' AND entity_id = $1 AND actor = $2",
                CampaignId.ToString(), $"user:{Analyst.UserId}"), Is.EqualTo(2));
            Assert.That(await ScalarAsync<string>("SELECT details ->> 'reason' FROM ekis.audit_event WHERE action = 'campaign_status' ORDER BY id LIMIT 1"),
                Is.EqualTo("сбор завершён"));
        });

        var op = await SignInAsync("t-operator");
        var refused = await PostAsync(op, page, "Status", new() { ["from"] = "archived", ["to"] = "open", ["reason"] = "x" });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task An_analyst_adds_and_drops_respondents_with_a_reason_and_the_list_shows_who_when_and_why()
    {
        var analyst = await SignInAsync("t-analyst");
        var page = $"/Campaigns/{CampaignId}/Respondents";
        var noReason = await PostAsync(analyst, page, "Drop", new() { ["code"] = "100002", ["reason"] = "" });
        Assert.That(noReason.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(await BodyAsync(noReason), Does.Contain("Укажите причину исключения"));
        var unknown = await PostAsync(analyst, page, "Add", new() { ["code"] = "NO-SUCH", ["reason"] = "x" });
        Assert.That(await BodyAsync(unknown), Does.Contain("не найдены в вашей зоне"));

        var dropped = await PostAsync(analyst, page, "Drop", new() { ["code"] = "100002", ["reason"] = "закрыта на ремонт" });
        var afterDrop = await FollowAsync(analyst, dropped);
        var added = await PostAsync(analyst, page, "Add", new() { ["code"] = "100003", ["reason"] = "ведёт общее образование" });
        var afterAdd = await FollowAsync(analyst, added);
        Assert.Multiple(() =>
        {
            Assert.That(afterDrop, Does.Contain("исключена из числа респондентов"));
            Assert.That(afterAdd, Does.Contain("закрыта на ремонт").And.Contain("ведёт общее образование").And.Contain("Тестовый t-analyst"));
            Assert.That(afterAdd, Does.Contain("исключён").And.Contain("добавлен"));
        });
        Assert.That(await ScalarAsync<string>("SELECT dropped_reason FROM ekis.campaign_respondent WHERE org_unit_id = $1", Gymnasium2), Is.EqualTo("закрыта на ремонт"));

        var again = await PostAsync(analyst, page, "Add", new() { ["code"] = "100003", ["reason"] = "ещё раз" });
        Assert.That(await BodyAsync(again), Does.Contain("уже в числе ожидаемых"));

        var op = await SignInAsync("t-operator");
        await GetHtmlAsync(op, page, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Progress_follows_the_tree_on_the_reference_date_when_a_school_moves_later()
    {
        await SubmittedReportAsync();
        // School № 1 moves to Озёрск after the campaign's date (its due date: no reference date in the kit).
        var moved = await new ReorganiseOrganisation(Db).MoveAsync("100001", "M-OZR", Due.AddDays(30), Actor.Cli);
        Assert.That(moved.Problem, Is.Null);
        var progress = new CampaignProgress(Db, Clock);
        var sev = (await progress.GetAsync(Operator, CampaignId))!;
        var ozr = (await progress.GetAsync(OtherOperator, CampaignId))!;
        Assert.Multiple(() =>
        {
            Assert.That(sev.Respondents.Select(r => r.OrgUnitId), Does.Contain(School1));
            Assert.That(sev.Municipalities.Single().Name, Is.EqualTo("ГО Северный"));
            Assert.That(ozr.Respondents.Select(r => r.OrgUnitId), Does.Not.Contain(School1));
        });
        var list = await Campaigns.ListAsync(Operator);
        Assert.That((list.Single().Expected, list.Single().Submitted), Is.EqualTo((2, 1)));
    }
}
