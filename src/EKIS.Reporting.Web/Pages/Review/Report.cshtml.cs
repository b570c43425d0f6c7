using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Features.Review;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Time;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Review;

/// <summary>
/// One report for a reviewer: its head, control results, history and the actions the role may take in
/// its status. Every action is an antiforgery POST through <see cref="ReportReview"/>; success answers
/// 303 with a message, a refusal shows the slice's message with the page.
/// </summary>
[Authorize(Roles = ReviewDisplay.Reviewers)]
public sealed class ReportModel(ReviewReport details, CheckReport check, ReportReview review, CurrentScope current, ICurrentActor actor,
    RegionClock clock) : PageModel
{
    public ReviewReport.Details Report { get; private set; } = null!;
    public CheckResult Check { get; private set; } = null!;
    public string? Error { get; private set; }
    public AccessScope Scope => current.Required;
    public TimeZoneInfo Zone => clock.Zone;

    /// <summary>The resubmission date a return offers (and gets when none is given): today + <c>Review:ResubmitDays</c>.</summary>
    public DateOnly DefaultResubmitUntil => review.DefaultResubmitUntil;

    /// <summary>The date the extension form offers.</summary>
    public DateOnly SuggestedExtension => review.SuggestedExtension(LastDay);

    [TempData] public string? Message { get; set; }

    public bool IsOperator => Scope.Role == Roles.MunicipalOperator;
    public bool IsRegional => Scope.IsRegional;
    public string Status => Report.Head.Status;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostAcceptAsync(long id, string? comment, int? rowVersion, CancellationToken ct) =>
        ActAsync(id, "Отчёт принят.", () => IsOperator
            ? review.AcceptByMunicipalityAsync(Scope, actor.Actor, id, Clean(comment), rowVersion, ct)
            : review.AcceptByRegionAsync(Scope, actor.Actor, id, Clean(comment), rowVersion, ct), ct);

    public Task<IActionResult> OnPostReturnAsync(long id, string? comment, string? resubmitUntil, int? rowVersion, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(resubmitUntil) && !ReviewDisplay.TryParseDate(resubmitUntil, out _))
            return RefuseAsync(id, "Дата повторной сдачи указана неверно: ожидается ДД.ММ.ГГГГ.", StatusCodes.Status422UnprocessableEntity, ct);
        DateOnly? until = ReviewDisplay.TryParseDate(resubmitUntil, out var d) ? d : null;
        return ActAsync(id, $"Отчёт возвращён на доработку до {ReviewDisplay.Date(until ?? DefaultResubmitUntil)}.", () => IsOperator
            ? review.ReturnByMunicipalityAsync(Scope, actor.Actor, id, comment ?? "", until, rowVersion, ct)
            : review.ReturnByRegionAsync(Scope, actor.Actor, id, comment ?? "", until, rowVersion, ct), ct);
    }

    public Task<IActionResult> OnPostWithdrawAsync(long id, string? comment, int? rowVersion, CancellationToken ct) =>
        ActAsync(id, "Принятие отозвано: отчёт снова на проверке.", () => review.WithdrawMunicipalAcceptanceAsync(Scope, actor.Actor, id, Clean(comment), rowVersion, ct), ct);

    public Task<IActionResult> OnPostExtendAsync(long id, string? until, string? reason, CancellationToken ct)
    {
        if (!ReviewDisplay.TryParseDate(until, out var date))
            return RefuseAsync(id, "Укажите новый срок в виде ДД.ММ.ГГГГ.", StatusCodes.Status422UnprocessableEntity, ct);
        return ActAsync(id, $"Срок продлён до {ReviewDisplay.Date(date)}.", () => review.GrantExtensionAsync(Scope, actor.Actor, id, date, reason ?? "", ct), ct);
    }

    public Task<IActionResult> OnPostWithdrawExtensionAsync(long id, string? reason, CancellationToken ct) =>
        ActAsync(id, "Продление срока отменено.", () => review.WithdrawExtensionAsync(Scope, actor.Actor, id, reason ?? "", ct), ct);

    public async Task<IActionResult> OnPostReopenAsync(long id, string? reason, CancellationToken ct)
    {
        var result = await review.ReopenAsNewVersionAsync(Scope, actor.Actor, id, reason ?? "", ct);
        if (result.Ok && result.NewReportId is { } newId)
        {
            TempData["Message"] = "Открыта новая версия отчёта для исправления; принятая версия сохранена.";
            return ReviewDisplay.SeeOther($"/Review/Report/{newId}");
        }
        return await RefusedAsync(id, result, ct);
    }

    private async Task<IActionResult> ActAsync(long id, string done, Func<Task<ReportReview.Result>> action, CancellationToken ct)
    {
        var result = await action();
        if (result.Ok)
        {
            TempData["Message"] = done;
            return ReviewDisplay.SeeOther($"/Review/Report/{id}");
        }
        return await RefusedAsync(id, result, ct);
    }

    public const string StaleMessage = "Отчёт изменился после того, как вы открыли эту страницу (его отправили заново или с ним уже работал другой проверяющий). Действие не выполнено: просмотрите отчёт ещё раз.";

    private Task<IActionResult> RefusedAsync(long id, ReportReview.Result result, CancellationToken ct) => result.Outcome switch
    {
        ReportReview.Outcome.NotFound => Task.FromResult<IActionResult>(NotFound()),
        ReportReview.Outcome.Forbidden => RefuseAsync(id, result.Message, StatusCodes.Status403Forbidden, ct),
        ReportReview.Outcome.CommentRequired or ReportReview.Outcome.InvalidDate => RefuseAsync(id, result.Message, StatusCodes.Status422UnprocessableEntity, ct),
        ReportReview.Outcome.Stale => RefuseAsync(id, StaleMessage, StatusCodes.Status409Conflict, ct),
        _ => RefuseAsync(id, result.Message, StatusCodes.Status409Conflict, ct),
    };

    private async Task<IActionResult> RefuseAsync(long id, string? message, int status, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Error = message ?? "Действие не выполнено.";
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var d = await details.GetAsync(Scope, id, ct);
        if (d is null) return false;
        Report = d;
        Check = (await check.CheckAsync(Scope, id, ct))!;
        return true;
    }

    private static string? Clean(string? comment) => string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();

    /// <summary>The last day the respondent may still edit and send: due date, extension or resubmission date.</summary>
    public DateOnly LastDay => Report.Head.LastDay;
}
