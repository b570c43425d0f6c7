using System.Net;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Tests.Review;

namespace EKIS.Reporting.Tests.Lifecycle;

/// <summary>Issue 11, point 2: an analyst withdraws an extension (slice, page button, audit, outbox); nobody else may.</summary>
public sealed class ExtensionTests : ReviewWebTest
{
    private async Task<long> ExtendedDraftAsync()
    {
        var id = await StartSchool1Async();
        Assert.That((await Review.GrantExtensionAsync(Analyst, As(Analyst), id, Due.AddDays(5), "карантин")).Ok, Is.True);
        return id;
    }

    private static Task<string?> ExtensionAsync(long id) => ScalarAsync<string>("SELECT extension_until::text FROM ekis.report WHERE id = $1", id);

    [Test]
    public async Task An_analyst_withdraws_an_extension_with_a_reason_and_the_deadline_is_the_due_date_again()
    {
        var id = await ExtendedDraftAsync();
        Assert.That((await Review.WithdrawExtensionAsync(Operator, As(Operator), id, "ошибка")).Outcome, Is.EqualTo(ReportReview.Outcome.Forbidden));
        Assert.That((await Review.WithdrawExtensionAsync(Analyst, As(Analyst), id, " ")).Outcome, Is.EqualTo(ReportReview.Outcome.CommentRequired));
        Assert.That(await ExtensionAsync(id), Is.Not.Null);
        Assert.That((await Review.WithdrawExtensionAsync(Analyst, As(Analyst), id, "продлено по ошибке")).Ok, Is.True);
        Assert.That(await ExtensionAsync(id), Is.Null);
        Assert.That((await Values.GetAsync(Director, id))!.Head.LastDay, Is.EqualTo(Due));
        Assert.That(await ScalarAsync<string>("SELECT details->>'reason' FROM ekis.audit_event WHERE action = 'extension_withdrawn' AND actor = $1",
            $"user:{Analyst.UserId}"), Is.EqualTo("продлено по ошибке"));
        Assert.That((await Review.WithdrawExtensionAsync(Analyst, As(Analyst), id, "ещё раз")).Outcome, Is.EqualTo(ReportReview.Outcome.WrongStatus),
            "nothing left to withdraw");
    }

    [Test]
    public async Task An_extension_into_the_past_is_refused_by_the_slice()
    {
        var id = await StartSchool1Async();
        var result = await Review.GrantExtensionAsync(Analyst, As(Analyst), id, Today.AddDays(-1), "поздно");
        Assert.That((result.Outcome, result.Message), Is.EqualTo((ReportReview.Outcome.InvalidDate, LastDay.ExtensionInPast)));
        var back = await Review.ReturnByMunicipalityAsync(Operator, As(Operator), await SubmittedOtherAsync(), "x", Today.AddDays(-1));
        Assert.That((back.Outcome, back.Message), Is.EqualTo((ReportReview.Outcome.InvalidDate, LastDay.ResubmitInPast)));
    }

    private async Task<long> SubmittedOtherAsync()
    {
        var director2 = await ScopeAsync("t-director2", EKIS.Reporting.Features.Access.Roles.Director, "100002");
        var id = (await Start.StartAsync(director2, As(director2), CampaignId, Gymnasium2))!.Value;
        Assert.That((await SaveAsync(director2, id, CleanCells(), FullTitle)).Ok, Is.True);
        Assert.That((await Review.SubmitAsync(director2, As(director2), id)).Ok, Is.True);
        return id;
    }

    [Test]
    public async Task The_review_page_offers_the_analyst_a_button_that_withdraws_the_extension()
    {
        var id = await ExtendedDraftAsync();
        var analyst = await SignInAsync("t-analyst");
        Assert.That(await GetHtmlAsync(analyst, $"/Review/Report/{id}"), Does.Contain("id=\"withdraw-extension\""));
        var response = await PostAsync(analyst, $"/Review/Report/{id}", "WithdrawExtension", new() { ["reason"] = "продлено по ошибке" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(await ExtensionAsync(id), Is.Null);
        Assert.That(await GetHtmlAsync(analyst, $"/Review/Report/{id}"), Does.Not.Contain("id=\"withdraw-extension\""));
    }

    [Test]
    public async Task Nobody_but_the_region_withdraws_an_extension_and_a_post_without_the_token_is_400()
    {
        var id = await ExtendedDraftAsync();
        var op = await SignInAsync("t-operator");
        Assert.That(await GetHtmlAsync(op, $"/Review/Report/{id}"), Does.Not.Contain("withdraw-extension"));
        var byOperator = await PostAsync(op, $"/Review/Report/{id}", "WithdrawExtension", new() { ["reason"] = "x" });
        Assert.That(byOperator.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var other = await SignInAsync("t-operator-ozr");
        Assert.That((await PostAsync(other, $"/Review/Report/{id}", "WithdrawExtension", new() { ["reason"] = "x" }, "/Review")).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        var director = await SignInAsync("t-director");
        Assert.That((await PostAsync(director, $"/Review/Report/{id}", "WithdrawExtension", new() { ["reason"] = "x" }, "/Account/ChangePassword")).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        var analyst = await SignInAsync("t-analyst");
        var noToken = await analyst.PostAsync($"/Review/Report/{id}?handler=WithdrawExtension",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "x" }));
        Assert.That(noToken.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await ExtensionAsync(id), Is.Not.Null);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.audit_event WHERE action = 'extension_withdrawn'"), Is.Zero);
    }
}
