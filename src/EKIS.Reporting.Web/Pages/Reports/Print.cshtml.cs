using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Reports;

/// <summary>The whole report on paper: title block, every section, status and a signatures area. Same scope as the entry page.</summary>
public sealed class PrintModel(ReportForm form, ReportReview review, CurrentScope current) : PageModel
{
    public ReportForm.Result Report { get; private set; } = null!;
    public IReadOnlyList<ReportReview.Transition> History { get; private set; } = [];

    /// <summary>
    /// A section with more than five columns (the name, the row code and four or more values) is printed
    /// on a landscape sheet; narrower ones stay portrait with the title page.
    /// </summary>
    public static bool IsWide(EKIS.Reporting.Templates.Model.TemplateSection section) => section.Columns.Count > 5;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var r = await form.GetAsync(current.Required, id, ct);
        if (r is null) return NotFound();
        Report = r with { CanFill = false, CanSubmit = false };
        History = await review.HistoryAsync(current.Required, id, ct) ?? [];
        return Page();
    }
}
