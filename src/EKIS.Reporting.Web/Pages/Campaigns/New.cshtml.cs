using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using EKIS.Reporting.Web.Pages.Review;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Campaigns;

/// <summary>An analyst opens a campaign: template version, period, dates and target respondents.</summary>
[Authorize(Roles = ReviewDisplay.Managers)]
public sealed class NewModel(OpenCampaign open, TemplateVersions templates, SearchRegistry registry, CurrentScope current, ICurrentActor actor, TimeProvider clock) : PageModel
{
    public sealed class Form
    {
        public long? TemplateVersionId { get; set; }
        public string? Year { get; set; }
        public string? Period { get; set; }
        public string? ReferenceDate { get; set; }
        public string? DueDate { get; set; }
        public string? ReviewDate { get; set; }
        public List<string> Kinds { get; set; } = [];
        public List<long> Municipalities { get; set; } = [];
        public List<long> Groups { get; set; } = [];
    }

    [BindProperty] public Form Input { get; set; } = new();

    public IReadOnlyList<TemplateVersions.Row> Templates { get; private set; } = [];
    public IReadOnlyList<SearchRegistry.Option> MunicipalityOptions { get; private set; } = [];
    public IReadOnlyList<SearchRegistry.Option> GroupOptions { get; private set; } = [];
    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Input.Year = clock.GetLocalNow().Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await LoadOptionsAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var scope = current.Required;
        await LoadOptionsAsync(ct);
        var command = Validate();
        if (command is null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        try
        {
            var result = await open.OpenAsync(scope, actor.Actor, command, ct);
            TempData["Message"] = $"Кампания открыта. Ожидается респондентов: {ReviewDisplay.Number(result.Respondents)}.";
            return ReviewDisplay.SeeOther($"/Campaigns/{result.CampaignId}/Progress");
        }
        catch (ArgumentException ex)
        {
            Errors.Add(ex.Message);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
        {
            Errors.Add("Кампания по этой версии формы за этот год и период уже существует.");
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>All problems at once, in Russian; null when there is any.</summary>
    private OpenCampaign.Command? Validate()
    {
        var i = Input;
        if (i.TemplateVersionId is not { } templateId || Templates.All(t => t.Id != templateId))
            Errors.Add("Выберите форму (версию шаблона).");
        if (!int.TryParse(i.Year?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2100)
            Errors.Add("Год отчётного периода — четыре цифры, от 2000 до 2100.");
        var period = i.Period?.Trim() ?? "";
        if (period.Length is 0 or > 10 || !period.All(char.IsAsciiLetterOrDigit))
            Errors.Add("Код периода — от 1 до 10 латинских букв или цифр (например, 1210 или 0924).");
        DateOnly? reference = null, review = null;
        if (!string.IsNullOrWhiteSpace(i.ReferenceDate))
        {
            if (ReviewDisplay.TryParseDate(i.ReferenceDate, out var r)) reference = r;
            else Errors.Add("Отчётная дата указана неверно: ожидается дата в виде ДД.ММ.ГГГГ.");
        }
        var hasDue = ReviewDisplay.TryParseDate(i.DueDate, out var due);
        if (string.IsNullOrWhiteSpace(i.DueDate)) Errors.Add("Укажите срок сдачи.");
        else if (!hasDue) Errors.Add("Срок сдачи указан неверно: ожидается дата в виде ДД.ММ.ГГГГ.");
        if (!string.IsNullOrWhiteSpace(i.ReviewDate))
        {
            if (ReviewDisplay.TryParseDate(i.ReviewDate, out var v)) review = v;
            else Errors.Add("Срок проверки муниципалитетом указан неверно: ожидается дата в виде ДД.ММ.ГГГГ.");
        }
        if (hasDue && review is { } rv && rv < due)
            Errors.Add("Срок проверки муниципалитетом не может быть раньше срока сдачи.");
        if (hasDue && reference is { } rf && rf > due)
            Errors.Add("Отчётная дата не может быть позже срока сдачи.");
        var kinds = i.Kinds.Distinct().ToList();
        if (kinds.Any(k => SearchRegistry.Kinds.All(x => x.Key != k)))
            Errors.Add("Выбран неизвестный вид организаций.");
        if (i.Municipalities.Any(m => MunicipalityOptions.All(o => o.Id != m)))
            Errors.Add("Выбран муниципалитет вне вашей зоны.");
        if (i.Groups.Any(g => GroupOptions.All(o => o.Id != g)))
            Errors.Add("Выбрана неизвестная группа организаций.");
        if (Errors.Count > 0) return null;
        return new OpenCampaign.Command(i.TemplateVersionId!.Value, year, period, due, reference, review,
            kinds.Count > 0 ? kinds : null,
            i.Municipalities.Count > 0 ? i.Municipalities.Distinct().ToList() : null,
            i.Groups.Count > 0 ? i.Groups.Distinct().ToList() : null);
    }

    private async Task LoadOptionsAsync(CancellationToken ct)
    {
        var scope = current.Required;
        Templates = await templates.ListAsync(ct);
        MunicipalityOptions = await registry.MunicipalitiesAsync(scope, ct);
        GroupOptions = await registry.GroupsAsync(ct);
    }
}
