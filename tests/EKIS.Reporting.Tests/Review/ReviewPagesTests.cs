using System.Net;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;

namespace EKIS.Reporting.Tests.Review;

/// <summary>Issue 6, items 4–6: the review list and the report review page, through the real sign-in and antiforgery.</summary>
public sealed class ReviewPagesTests : ReviewWebTest
{
    private static string Page(long id) => $"/Review/Report/{id}";

    [Test]
    public async Task The_operator_returns_a_report_with_a_comment_and_the_director_sees_it_returned_with_the_date()
    {
        var id = await SubmittedReportAsync();
        var op = await SignInAsync("t-operator");
        var before = await GetHtmlAsync(op, Page(id));
        Assert.That(before, Does.Contain("Вернуть на доработку").And.Contain("Ошибок и предупреждений нет").And.Contain($"/Reports/Fill/{id}")
            .And.Contain($"/Reports/Print/{id}").And.Contain("value=\"2026-10-12\""), "default resubmission date: today + 7");

        var response = await PostAsync(op, Page(id), "Return", new() { ["comment"] = "Проверьте число классов", ["resubmitUntil"] = "2026-10-20" });
        var after = await FollowAsync(op, response);
        Assert.Multiple(() =>
        {
            Assert.That(after, Does.Contain("Отчёт возвращён на доработку до 20.10.2026."));
            Assert.That(after, Does.Contain("Проверьте число классов").And.Contain("Тестовый t-operator").And.Contain("возвращён муниципалитетом"));
        });
        var head = (await Values.GetAsync(Director, id))!.Head;
        Assert.That((head.Status, head.ResubmitUntil), Is.EqualTo((ReportStatus.ReturnedByMunicipality, (DateOnly?)new DateOnly(2026, 10, 20))));
        var forms = (await new MyForms(Db, Clock).ListAsync(Director)).Single();
        Assert.That((forms.Form.Status, forms.DaysLeft), Is.EqualTo((ReportStatus.ReturnedByMunicipality, 15)));
    }

    [Test]
    public async Task A_return_without_a_comment_is_refused_with_the_slice_message_and_changes_nothing()
    {
        var id = await SubmittedReportAsync();
        var op = await SignInAsync("t-operator");
        var response = await PostAsync(op, Page(id), "Return", new() { ["comment"] = "  " });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(await BodyAsync(response), Does.Contain("возврат без комментария невозможен"));
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.Submitted));

        var badDate = await PostAsync(op, Page(id), "Return", new() { ["comment"] = "x", ["resubmitUntil"] = "31.13.2026" });
        Assert.That(await BodyAsync(badDate), Does.Contain("Дата повторной сдачи указана неверно"));
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.Submitted));
    }

    [Test]
    public async Task Accepting_twice_is_refused_and_the_operator_can_withdraw_until_the_region_accepts()
    {
        var id = await SubmittedReportAsync();
        var op = await SignInAsync("t-operator");
        var accepted = await PostAsync(op, Page(id), "Accept", new() { ["comment"] = "" });
        Assert.That(await FollowAsync(op, accepted), Does.Contain("Отчёт принят.").And.Contain("Отозвать принятие"));
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.AcceptedByMunicipality));
        var transitions = await TransitionsAsync(id);

        // The same form posted again (a double click, a replay): refused, nothing recorded.
        var again = await PostAsync(op, Page(id), "Accept", new() { ["comment"] = "" });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await BodyAsync(again), Does.Contain("это действие к нему неприменимо"));
        Assert.That(await TransitionsAsync(id), Is.EqualTo(transitions));

        var withdrawn = await PostAsync(op, Page(id), "Withdraw", new() { ["comment"] = "пересчитать" });
        Assert.That(await FollowAsync(op, withdrawn), Does.Contain("Принятие отозвано"));
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.Submitted));

        await PostAsync(op, Page(id), "Accept", new() { ["comment"] = "" });
        var analyst = await SignInAsync("t-analyst");
        var region = await PostAsync(analyst, Page(id), "Accept", new() { ["comment"] = "принят" });
        Assert.That(await FollowAsync(analyst, region), Does.Contain("принят департаментом"));
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.AcceptedByRegion));
        var late = await PostAsync(op, Page(id), "Withdraw", new() { ["comment"] = "" });
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "the region has accepted: no withdrawal");
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.AcceptedByRegion));
    }

    [Test]
    public async Task The_analyst_returns_grants_an_extension_and_reopens_an_accepted_report_as_a_new_version()
    {
        var id = await SubmittedReportAsync();
        var analyst = await SignInAsync("t-analyst");
        var returned = await PostAsync(analyst, Page(id), "Return", new() { ["comment"] = "Неверная численность" });
        Assert.That(await FollowAsync(analyst, returned), Does.Contain("возвращён департаментом"));
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.ReturnedByRegion));

        var noReason = await PostAsync(analyst, Page(id), "Extend", new() { ["until"] = "2026-10-25", ["reason"] = "" });
        Assert.That(await BodyAsync(noReason), Does.Contain("Укажите причину продления срока"));
        var extended = await PostAsync(analyst, Page(id), "Extend", new() { ["until"] = "25.10.2026", ["reason"] = "карантин" });
        Assert.That(await FollowAsync(analyst, extended), Does.Contain("Срок продлён до 25.10.2026.").And.Contain("продлён до 25.10.2026"));
        Assert.That(await ScalarAsync<string>("SELECT details ->> 'reason' FROM ekis.audit_event WHERE action = 'extension' AND actor = $1",
            $"user:{Analyst.UserId}"), Is.EqualTo("карантин"));

        Assert.That((await Review.SubmitAsync(Director, As(Director), id)).Ok, Is.True);
        Assert.That((await Review.AcceptByMunicipalityAsync(Operator, As(Operator), id)).Ok, Is.True);
        Assert.That((await Review.AcceptByRegionAsync(Analyst, As(Analyst), id)).Ok, Is.True);
        var noComment = await PostAsync(analyst, Page(id), "Reopen", new() { ["reason"] = "" });
        Assert.That(noComment.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var reopened = await PostAsync(analyst, Page(id), "Reopen", new() { ["reason"] = "Исправить стр. 04" });
        Assert.That(reopened.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var newId = await ScalarAsync<long>("SELECT id FROM ekis.report WHERE org_unit_id = $1 AND version = 2", School1);
        Assert.That(reopened.Headers.Location!.ToString(), Is.EqualTo(Page(newId)));
        var page = await GetHtmlAsync(analyst, Page(newId));
        Assert.That(page, Does.Contain("Открыта новая версия").And.Contain("Исправить стр. 04").And.Contain(Page(id)));
        Assert.That(await StatusAsync(id), Is.EqualTo(ReportStatus.AcceptedByRegion), "the accepted version stays");
        Assert.That(await StatusAsync(newId), Is.EqualTo(ReportStatus.Draft));
    }

    [Test]
    public async Task The_queue_shows_what_waits_for_my_action_with_control_badges_and_bulk_acceptance_skips_reports_with_findings()
    {
        var school1 = await SubmittedReportAsync();
        var director2 = await ScopeAsync("t-director2", Roles.Director, "100002");
        var gymnasium = (await Start.StartAsync(director2, As(director2), CampaignId, Gymnasium2))!.Value;
        Assert.That((await SaveAsync(director2, gymnasium, CleanCells(), FullTitle)).Ok, Is.True);
        Assert.That((await Review.SubmitAsync(director2, As(director2), gymnasium)).Ok, Is.True);
        // After sending, the gymnasium's stored total no longer matches its parts (as if corrected in the database): an error.
        await ExecuteAsAsync(Actor.Cli, """
            UPDATE ekis.report_value SET value = 61 WHERE report_id = $1 AND cell_id = (
                SELECT cell_id FROM ekis.template_cell WHERE template_version_id = $2 AND section = '1' AND row_code = '01' AND column_code = '3')
            """, gymnasium, TemplateId);

        var errors = (await Check.CheckAsync(Operator, gymnasium))!.Errors.Count;
        Assert.That(errors, Is.GreaterThan(0));

        var op = await SignInAsync("t-operator");
        var queue = await GetHtmlAsync(op, $"/Review?campaign={CampaignId}");
        Assert.Multiple(() =>
        {
            Assert.That(queue, Does.Contain("Найдено: 2").And.Contain(Page(school1)).And.Contain(Page(gymnasium)));
            Assert.That(queue, Does.Contain("без замечаний").And.Contain($"ошибок: {errors}"));
        });
        var analystQueue = await GetHtmlAsync(await SignInAsync("t-analyst"), $"/Review?campaign={CampaignId}");
        Assert.That(analystQueue, Does.Contain("Найдено: 0"), "nothing is accepted by a municipality yet");

        var confirm = await GetHtmlAsync(op, $"/Review?campaign={CampaignId}&confirm=true");
        Assert.That(confirm, Does.Contain("Да, принять"));
        var bulk = await PostAsync(op, "/Review", "AcceptClean", new() { ["campaign"] = CampaignId.ToString() }, $"/Review?campaign={CampaignId}&confirm=true");
        var after = await FollowAsync(op, bulk);
        Assert.That(after, Does.Contain("Принято отчётов без ошибок и предупреждений: 1; оставлено для проверки по одному: 1."));
        Assert.That((await StatusAsync(school1), await StatusAsync(gymnasium)), Is.EqualTo((ReportStatus.AcceptedByMunicipality, ReportStatus.Submitted)));

        var regional = await GetHtmlAsync(await SignInAsync("t-analyst"), $"/Review?campaign={CampaignId}");
        Assert.That(regional, Does.Contain("Найдено: 1").And.Contain(Page(school1)));
        var ascending = await GetHtmlAsync(op, $"/Review?campaign={CampaignId}&status=all&sort=name");
        var descending = await GetHtmlAsync(op, $"/Review?campaign={CampaignId}&status=all&sort=name&desc=true");
        bool SchoolFirst(string html) => html.IndexOf(Page(school1), StringComparison.Ordinal) < html.IndexOf(Page(gymnasium), StringComparison.Ordinal);
        Assert.That(SchoolFirst(descending), Is.Not.EqualTo(SchoolFirst(ascending)), "sorting by name both ways");
    }

    [Test]
    public async Task The_analysts_queue_filters_by_municipality_and_pages()
    {
        // Every expected respondent has a submitted report (written straight to the tables: only the list is under test).
        await ExecuteAsAsync(Actor.Cli, """
            INSERT INTO ekis.report (campaign_id, org_unit_id, status)
            SELECT campaign_id, org_unit_id, 'submitted' FROM ekis.campaign_respondent WHERE campaign_id = $1
            """, CampaignId);
        var total = await ScalarAsync<long>("SELECT count(*) FROM ekis.report WHERE campaign_id = $1", CampaignId);
        var ber = await Support.TestAccounts.UnitIdAsync(Db, "M-BER");
        var inBer = await ScalarAsync<long>("""
            SELECT count(*) FROM ekis.report r JOIN ekis.org_unit u ON u.id = r.org_unit_id LEFT JOIN ekis.org_unit p ON p.id = u.parent_id
            WHERE r.campaign_id = $1 AND (u.parent_id = $2 OR p.parent_id = $2)
            """, CampaignId, ber);
        Assert.That(total, Is.GreaterThan(50));
        Assert.That(inBer, Is.GreaterThan(0));

        var analyst = await SignInAsync("t-analyst");
        var pages = (total + 24) / 25;
        var first = await GetHtmlAsync(analyst, $"/Review?campaign={CampaignId}&status=submitted");
        var second = await GetHtmlAsync(analyst, $"/Review?campaign={CampaignId}&status=submitted&page=2");
        var filtered = await GetHtmlAsync(analyst, $"/Review?campaign={CampaignId}&status=submitted&municipality={ber}");
        var pastTheEnd = await GetHtmlAsync(analyst, $"/Review?campaign={CampaignId}&status=submitted&page=999");
        var mine = await GetHtmlAsync(analyst, $"/Review?campaign={CampaignId}");
        Assert.Multiple(() =>
        {
            Assert.That(first, Does.Contain($"Найдено: {total}").And.Contain($"Страница 1 из {pages}"));
            Assert.That(second, Does.Contain($"Страница 2 из {pages}"));
            Assert.That(pastTheEnd, Does.Contain($"Страница 1 из {pages}"), "a page past the end shows the first");
            Assert.That(filtered, Does.Contain($"Найдено: {inBer}").And.Not.Contain("<td>ГО Северный</td>"));
            Assert.That(mine, Does.Contain("Найдено: 0"), "nothing waits for the region until a municipality accepts");
        });
        var op = await SignInAsync("t-operator");
        Assert.That(await GetHtmlAsync(op, $"/Review?campaign={CampaignId}&municipality={ber}"), Does.Contain("Найдено: 2"),
            "an operator's list ignores the municipality filter and stays in Северный");
    }
}
