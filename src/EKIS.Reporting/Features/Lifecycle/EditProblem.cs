using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Features.Lifecycle;

/// <summary>What the person means to do with a report: fill it in (values, title, notes) or send it.</summary>
public enum EditIntent { Fill, Submit }

/// <summary>
/// THE answer to "may this person edit or send this report today, and if not, why": every slice that
/// changes a report's content or sends it (and the entry page's read-only banner) asks
/// <see cref="For"/>; each reason has one Russian wording.
/// </summary>
public sealed record EditProblem(EditProblem.Reason Why, string Message)
{
    public enum Reason { NoFillRight, NoSubmitRight, NotEditable, CampaignNotOpen, DeadlinePassed, Superseded }

    /// <summary>
    /// Null when allowed. <paramref name="hasRight"/> is the person's right for the intent (fill, or submit)
    /// as <see cref="ReportAccess.HasRightAsync"/> answers it; <paramref name="today"/> is the region's date.
    /// </summary>
    public static EditProblem? For(ReportHead head, AccessScope scope, bool hasRight, DateOnly today, EditIntent intent)
    {
        if (!scope.IsSchool || !hasRight)
            return intent == EditIntent.Fill ? Of(Reason.NoFillRight, head) : Of(Reason.NoSubmitRight, head);
        if (!head.IsNewest) return Of(Reason.Superseded, head);
        if (!ReportStatus.IsEditable(head.Status)) return Of(Reason.NotEditable, head);
        if (head.CampaignStatus != CampaignOpen) return Of(Reason.CampaignNotOpen, head);
        if (!LastDay.Allows(head.LastDay, today)) return Of(Reason.DeadlinePassed, head);
        return null;
    }

    private const string CampaignOpen = "open";

    /// <summary>The one wording of each reason.</summary>
    public static EditProblem Of(Reason why, ReportHead head) => new(why, why switch
    {
        Reason.NoFillRight => "У вас нет права заполнять отчёты этой организации: его даёт руководитель организации.",
        Reason.NoSubmitRight => "У вас нет права отправлять отчёты: его даёт руководитель организации.",
        Reason.NotEditable => $"Отчёт уже в статусе «{ReportStatus.Title(head.Status)}»: изменить или отправить его повторно нельзя.",
        Reason.CampaignNotOpen => "Кампания сбора отчётов закрыта: изменять и отправлять отчёт нельзя.",
        Reason.DeadlinePassed => "Срок сдачи отчёта истёк: изменять и отправлять его можно только после продления срока.",
        _ => $"Это версия {head.Version}, а у отчёта есть более новая: изменять и отправлять можно только её.",
    });
}
