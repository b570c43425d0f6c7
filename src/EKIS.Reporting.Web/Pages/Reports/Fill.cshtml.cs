using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Reports;

/// <summary>
/// The entry page: one section of a report per request, autosaved cell by cell (JSON, <c>?handler=Save</c>),
/// checked (<c>?handler=Check</c>), explained, commented and sent (<c>?handler=Submit</c>). Reviewers open it
/// read-only; a report outside the scope is 404 for every handler.
/// </summary>
public sealed class FillModel(ReportForm form, SaveValues save, CheckReport check, ReportReview review, ReportNotes notes,
    CellHistory history, CurrentScope current, ICurrentActor actor) : PageModel
{
    /// <summary>Title fields that come from the registry and are not typed on the page.</summary>
    public static readonly IReadOnlySet<string> RegistryTitleFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "okpo", "name" };

    /// <summary>The director's name is read-only when the registry has one (it is prefilled from there), typed otherwise.</summary>
    public static bool IsReadOnlyTitleField(ReportForm.Result r, string field) =>
        RegistryTitleFields.Contains(field) || (string.Equals(field, "leader_fio", StringComparison.OrdinalIgnoreCase) && r.RegistryDirector is not null);

    public const int MaxCellsPerSave = 20_000;

    public ReportForm.Result Report { get; private set; } = null!;
    public int SectionIndex { get; private set; }
    public TemplateSection Section => Report.Template.Sections[SectionIndex];
    public string? Notice { get; private set; }
    public string? Problem { get; private set; }
    public CheckResult? SubmitCheck { get; private set; }

    /// <summary>What a reviewer reading the form can do on the report's review page (empty for the school).</summary>
    public IReadOnlyList<Review.ReviewDisplay.ReviewAction> ReviewActions =>
        Report.IsRespondent ? [] : Review.ReviewDisplay.Actions(current.Required, Report.Head, Report.IsNewest);

    /// <summary>A reviewer (not the school) reads the form: it links back to the review.</summary>
    public bool IsReviewer => !Report.IsRespondent && current.Required.Role is Features.Access.Roles.MunicipalOperator or Features.Access.Roles.RegionalAnalyst or Features.Access.Roles.Admin;

    public async Task<IActionResult> OnGetAsync(long id, string? section, CancellationToken ct)
    {
        Notice = TempData["Notice"] as string;
        return await LoadAsync(id, section, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, string? section, CancellationToken ct)
    {
        var r = await form.GetAsync(current.Required, id, ct);
        if (r is null) return false;
        Report = r;
        SectionIndex = Math.Max(0, section is null ? 0 : r.Template.SectionIndex(section));
        return true;
    }

    public sealed record CellDto(string? Section, string? Row, string? Column, string? S1, string? S2, string? S3, string? Value);

    public sealed record SaveRequest(int RowVersion, List<CellDto>? Cells, Dictionary<string, string>? Title);

    public sealed record CellErrorDto(string Section, string Row, string Column, string? S1, string? S2, string? S3, string Message);

    public sealed record SaveResponse(bool Ok, int RowVersion, int Changed, string? Message, IReadOnlyList<CellErrorDto> Errors);

    public async Task<IActionResult> OnPostSaveAsync(long id, [FromBody] SaveRequest? body, CancellationToken ct)
    {
        if (body is null)
            return Json(400, new SaveResponse(false, 0, 0, "Запрос не распознан: ожидается JSON с rowVersion и cells.", []));
        var cells = (body.Cells ?? []).Select(c => new CellValue(c.Section ?? "", c.Row ?? "", c.Column ?? "", c.Value,
            Blank(c.S1), Blank(c.S2), Blank(c.S3))).ToList();
        if (cells.Count > MaxCellsPerSave)
            return Json(422, new SaveResponse(false, body.RowVersion, 0, $"Слишком много ячеек в одном запросе (не более {MaxCellsPerSave}).", []));
        var registryField = body.Title?.Keys.FirstOrDefault(RegistryTitleFields.Contains);
        if (registryField is not null)
            return Json(422, new SaveResponse(false, body.RowVersion, 0, $"Поле титула «{registryField}» заполняется из реестра организаций и на странице не меняется.", []));
        var result = await save.SaveAsync(current.Required, actor.Actor, new SaveValues.Command(id, body.RowVersion, cells, body.Title), ct);
        var errors = (result.Errors ?? []).Select(e => new CellErrorDto(e.Cell.Section, e.Cell.Row, e.Cell.Column, e.Cell.S1, e.Cell.S2, e.Cell.S3, e.Message)).ToList();
        var status = result.Outcome switch
        {
            SaveValues.Outcome.Saved => 200,
            SaveValues.Outcome.Invalid => 422,
            SaveValues.Outcome.Stale => 409,
            SaveValues.Outcome.ReadOnly => 423,
            SaveValues.Outcome.Forbidden => 403,
            _ => 404,
        };
        return Json(status, new SaveResponse(result.Ok, result.RowVersion, result.Changed, result.Message ?? (result.Ok ? "Сохранено." : null), errors));
    }

    public sealed record CellDtoRef(string Section, string Row, string Column, string? S1, string? S2, string? S3);

    public sealed record FindingDto(string ControlId, string Message, IReadOnlyList<CellDtoRef> Cells, string? Explanation);

    public sealed record CheckResponse(IReadOnlyList<FindingDto> Errors, IReadOnlyList<FindingDto> Warnings, IReadOnlyList<FindingDto> NotChecked);

    public async Task<IActionResult> OnPostCheckAsync(long id, CancellationToken ct)
    {
        var r = await check.CheckWithExplanationsAsync(current.Required, id, ct);
        if (r is null) return Json(404, new { message = "Отчёт не найден." });
        return Json(200, ToDto(r.Result, r.Explanations));
    }

    public static CheckResponse ToDto(CheckResult result, IReadOnlyDictionary<string, string> explanations)
    {
        static IReadOnlyList<CellDtoRef> Cells(Finding f) => f.Cells.Count > 0
            ? f.Cells.Where(c => !c.Previous).Select(c => new CellDtoRef(c.Section, c.Row, c.Column, c.S1, c.S2, c.S3)).ToList()
            : f.Section is not null && f.Row is not null && f.Column is not null ? [new CellDtoRef(f.Section, f.Row, f.Column, null, null, null)] : [];
        FindingDto Dto(Finding f, bool warning) =>
            new(f.Code, f.Message, Cells(f), warning && explanations.TryGetValue(f.Code, out var e) ? e : null);
        return new CheckResponse(result.Errors.Select(f => Dto(f, false)).ToList(), result.Warnings.Select(f => Dto(f, true)).ToList(),
            result.NotChecked.Select(f => Dto(f, false)).ToList());
    }

    public sealed record ExplainRequest(string? ControlId, string? Explanation);

    public async Task<IActionResult> OnPostExplainAsync(long id, [FromBody] ExplainRequest? body, CancellationToken ct)
    {
        if (body?.ControlId is null) return Json(400, new { ok = false, message = "Запрос не распознан." });
        return NotesResult(await notes.ExplainAsync(current.Required, actor.Actor, id, body.ControlId, body.Explanation, ct));
    }

    public sealed record CommentRequest(string? Section, string? Row, string? Column, string? S1, string? S2, string? S3, string? Comment);

    public async Task<IActionResult> OnPostCommentAsync(long id, [FromBody] CommentRequest? body, CancellationToken ct)
    {
        if (body is null) return Json(400, new { ok = false, message = "Запрос не распознан." });
        var cell = new CellValue(body.Section ?? "", body.Row ?? "", body.Column ?? "", null, Blank(body.S1), Blank(body.S2), Blank(body.S3));
        return NotesResult(await notes.CommentAsync(current.Required, actor.Actor, id, cell, body.Comment, ct));
    }

    public async Task<IActionResult> OnGetCellHistoryAsync(long id, string? section, string? row, string? column, string? s1, string? s2, string? s3, CancellationToken ct)
    {
        var cell = new CellValue(section ?? "", row ?? "", column ?? "", null, Blank(s1), Blank(s2), Blank(s3));
        var changes = await history.ListAsync(current.Required, id, cell, ct);
        if (changes is null) return Json(404, new { message = "Ячейка не найдена." });
        return Json(200, changes.Select(c => new
        {
            at = c.At, who = ActorNames.Display(c.Who), oldValue = ReportForm.Display(c.OldValue), newValue = ReportForm.Display(c.NewValue), version = c.Version,
            source = c.Source switch { SaveValues.Typed => "ввод", SaveValues.Upload => "загрузка файла", SaveValues.Import => "импорт", _ => c.Source },
        }));
    }

    public async Task<IActionResult> OnPostSubmitAsync(long id, int? rowVersion, string? section, CancellationToken ct)
    {
        if (rowVersion is null) return BadRequest();
        var result = await review.SubmitAsync(current.Required, actor.Actor, id, rowVersion, ct);
        if (result.Outcome == ReportReview.Outcome.NotFound) return NotFound();
        if (result.Ok)
        {
            TempData["Notice"] = "Отчёт отправлен на проверку в муниципалитет.";
            Response.Headers.Location = Url.Page("/Reports/Fill", new { id, section });
            return StatusCode(StatusCodes.Status303SeeOther);
        }
        if (!await LoadAsync(id, section, ct)) return NotFound();
        Problem = result.Message;
        SubmitCheck = result.Check;
        Response.StatusCode = result.Outcome switch
        {
            ReportReview.Outcome.Forbidden => 403,
            ReportReview.Outcome.Stale or ReportReview.Outcome.WrongStatus => 409,
            ReportReview.Outcome.Deadline => 423,
            _ => 422,
        };
        return Page();
    }

    private JsonResult NotesResult(ReportNotes.Result r) => Json(r.Outcome switch
    {
        ReportNotes.Outcome.Saved => 200,
        ReportNotes.Outcome.Invalid => 422,
        ReportNotes.Outcome.ReadOnly => 423,
        ReportNotes.Outcome.Forbidden => 403,
        _ => 404,
    }, new { ok = r.Ok, message = r.Message ?? "Сохранено." });

    private static JsonResult Json(int status, object body) => new(body) { StatusCode = status };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
