using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Web.Infrastructure;
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
    public const int MaxCellsPerSave = 20_000;

    /// <summary>Largest save body read: 20 000 cells of the page's JSON with room to spare.</summary>
    public const int MaxSaveBytes = 8 * 1024 * 1024;

    /// <summary>Largest explanation or comment body read (the texts are at most 2 000 characters).</summary>
    public const int MaxNoteBytes = 64 * 1024;

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

    public sealed record CellDto(string Section, string Row, string Column, string? S1, string? S2, string? S3, string? Value);

    public sealed record SaveRequest(int RowVersion, List<CellDto> Cells, Dictionary<string, string>? Title);

    /// <summary>A cell's address as the page posts it: section, row and column always, the keys of a repeatable row when it has them.</summary>
    private static JsonShape.Member[] Address(params JsonShape.Member[] more) =>
    [
        new("section", new JsonShape.Text()), new("row", new JsonShape.Text()), new("column", new JsonShape.Text()),
        new("s1", new JsonShape.Text(), Required: false, Nullable: true),
        new("s2", new JsonShape.Text(), Required: false, Nullable: true),
        new("s3", new JsonShape.Text(), Required: false, Nullable: true),
        .. more,
    ];

    /// <summary>The save contract (docs/CAMPAIGNS.md): an empty or null value clears a cell; the title may be left out or null.</summary>
    public static readonly JsonShape.ObjectOf SaveShape = new(
        new("rowVersion", new JsonShape.Integer(0, int.MaxValue)),
        new("cells", new JsonShape.ArrayOf(new JsonShape.ObjectOf(Address(new JsonShape.Member("value", new JsonShape.Text(), Nullable: true))), MaxCellsPerSave)),
        new("title", new JsonShape.MapOf(new JsonShape.Text(), MaxEntries: 50), Required: false, Nullable: true));

    public static readonly JsonShape.ObjectOf ExplainShape = new(
        new("controlId", new JsonShape.Text()),
        new("explanation", new JsonShape.Text(), Nullable: true));

    public static readonly JsonShape.ObjectOf CommentShape = new(Address(new JsonShape.Member("comment", new JsonShape.Text(), Nullable: true)));

    public sealed record CellErrorDto(string Section, string Row, string Column, string? S1, string? S2, string? S3, string Message);

    public sealed record SaveResponse(bool Ok, int RowVersion, int Changed, string? Message, IReadOnlyList<CellErrorDto> Errors);

    public async Task<IActionResult> OnPostSaveAsync(long id, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<SaveRequest>(Request, SaveShape, MaxSaveBytes, ct);
        if (body is null) return Json(400, new SaveResponse(false, 0, 0, problem, []));
        var cells = body.Cells.Select(c => new CellValue(c.Section, c.Row, c.Column, c.Value, Blank(c.S1), Blank(c.S2), Blank(c.S3))).ToList();
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

    public sealed record ExplainRequest(string ControlId, string? Explanation);

    public async Task<IActionResult> OnPostExplainAsync(long id, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ExplainRequest>(Request, ExplainShape, MaxNoteBytes, ct);
        if (body is null) return Json(400, new { ok = false, message = problem });
        return NotesResult(await notes.ExplainAsync(current.Required, actor.Actor, id, body.ControlId, body.Explanation, ct));
    }

    public sealed record CommentRequest(string Section, string Row, string Column, string? S1, string? S2, string? S3, string? Comment);

    public async Task<IActionResult> OnPostCommentAsync(long id, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<CommentRequest>(Request, CommentShape, MaxNoteBytes, ct);
        if (body is null) return Json(400, new { ok = false, message = problem });
        var cell = new CellValue(body.Section, body.Row, body.Column, null, Blank(body.S1), Blank(body.S2), Blank(body.S3));
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
