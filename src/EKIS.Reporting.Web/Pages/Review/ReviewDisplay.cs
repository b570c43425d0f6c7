using System.Globalization;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using Microsoft.AspNetCore.Mvc;

namespace EKIS.Reporting.Web.Pages.Review;

/// <summary>Formats and small results shared by the campaign and review pages (Russian dates and numbers).</summary>
public static class ReviewDisplay
{
    /// <summary>Who may open the campaign and review pages: reviewers, never school roles.</summary>
    public const string Reviewers = Roles.MunicipalOperator + "," + Roles.RegionalAnalyst + "," + Roles.Admin;

    /// <summary>Who manages campaigns (opens, closes, changes respondents).</summary>
    public const string Managers = Roles.RegionalAnalyst + "," + Roles.Admin;

    public static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public static string Date(DateOnly? d) => d?.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>A stored UTC instant as a local date and time.</summary>
    public static string Stamp(DateTime? utc, TimeZoneInfo zone) => utc is { } t
        ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)
        : "—";

    public static string LocalDate(DateTime? utc, TimeZoneInfo zone) => utc is { } t
        ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), zone).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)
        : "—";

    public static string Number(int n) => n.ToString("N0", Russian);

    /// <summary>Accepts what a date input sends (yyyy-MM-dd) and what a person types (dd.MM.yyyy).</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim(), ["yyyy-MM-dd", "dd.MM.yyyy", "d.M.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static string Iso(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The answer to a successful form POST: 303 See Other, so a reload does not repeat the action.</summary>
    public static IActionResult SeeOther(string url) => new SeeOtherResult(url);

    private sealed class SeeOtherResult(string url) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.HttpContext.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }

    public static string StatusClass(string? status) => status switch
    {
        "submitted" => "st-submitted",
        "accepted_by_municipality" => "st-accepted-m",
        "accepted_by_region" => "st-accepted-r",
        "returned_by_municipality" or "returned_by_region" => "st-returned",
        "draft" => "st-draft",
        _ => "st-none",
    };

    /// <summary>What a reviewer can do to a report on its review page.</summary>
    public enum ReviewAction { Accept, Return, Withdraw, Extend, Reopen, WithdrawExtension }

    /// <summary>
    /// The review actions a role has on a report in its status, if it is the newest version (an older one
    /// has none) — the moves <see cref="StatusGraph"/> allows, plus the deadline actions of the region on a
    /// report the respondent may still edit. The review page shows their forms, the read-only form view links to them.
    /// </summary>
    public static IReadOnlyList<ReviewAction> Actions(AccessScope scope, ReportHead report, bool isNewest)
    {
        var actions = new List<ReviewAction>();
        if (!isNewest) return actions;
        foreach (var move in StatusGraph.Available(scope, report.Status))
        {
            ReviewAction? action = move.Kind switch
            {
                TransitionKind.AcceptByMunicipality or TransitionKind.AcceptByRegion => ReviewAction.Accept,
                TransitionKind.ReturnByMunicipality or TransitionKind.ReturnByRegion => ReviewAction.Return,
                TransitionKind.WithdrawMunicipalAcceptance => ReviewAction.Withdraw,
                TransitionKind.ReopenAsNewVersion => ReviewAction.Reopen,
                _ => null, // the respondent's send, bulk acceptance (the list page)
            };
            if (action is { } a && !actions.Contains(a)) actions.Add(a);
        }
        if (scope.IsRegional && ReportStatus.IsEditable(report.Status))
        {
            actions.Add(ReviewAction.Extend);
            if (report.ExtensionUntil is not null) actions.Add(ReviewAction.WithdrawExtension);
        }
        // Keep the page's order: accept, return, withdraw, extend, reopen.
        actions.Sort();
        return actions;
    }

    public static string ActionTitle(ReviewAction action) => action switch
    {
        ReviewAction.Accept => "принять",
        ReviewAction.Return => "вернуть на доработку",
        ReviewAction.Withdraw => "отозвать принятие",
        ReviewAction.Extend => "продлить срок",
        ReviewAction.WithdrawExtension => "отменить продление срока",
        _ => "открыть новую версию",
    };

    public static string StatusTitle(string? status) => status is null ? "не начат" : ReportStatus.Title(status);
}
