namespace EKIS.Reporting.Features.Lifecycle;

/// <summary>
/// A report's statuses, their Russian titles and the named sets every query and page uses. SQL has
/// the same sets as functions (<c>ekis.status_is_editable</c>, <c>ekis.status_is_sent</c>, migration 0017).
/// </summary>
public static class ReportStatus
{
    public const string Draft = "draft";
    public const string Submitted = "submitted";
    public const string ReturnedByMunicipality = "returned_by_municipality";
    public const string ReturnedByRegion = "returned_by_region";
    public const string AcceptedByMunicipality = "accepted_by_municipality";
    public const string AcceptedByRegion = "accepted_by_region";

    /// <summary>The respondent may edit and send: a draft or a returned report.</summary>
    public static readonly IReadOnlyList<string> Editable = [Draft, ReturnedByMunicipality, ReturnedByRegion];

    /// <summary>Past the respondent: sent and waiting, or accepted at some level.</summary>
    public static readonly IReadOnlyList<string> Sent = [Submitted, AcceptedByMunicipality, AcceptedByRegion];

    public static readonly IReadOnlyList<string> Returned = [ReturnedByMunicipality, ReturnedByRegion];

    public static readonly IReadOnlyList<string> Accepted = [AcceptedByMunicipality, AcceptedByRegion];

    public static bool IsEditable(string? status) => status is not null && Editable.Contains(status);

    public static bool IsSent(string? status) => status is not null && Sent.Contains(status);

    public static bool IsReturned(string? status) => status is not null && Returned.Contains(status);

    public static string Title(string status) => status switch
    {
        Draft => "черновик",
        Submitted => "отправлен",
        ReturnedByMunicipality => "возвращён муниципалитетом",
        ReturnedByRegion => "возвращён департаментом",
        AcceptedByMunicipality => "принят муниципалитетом",
        AcceptedByRegion => "принят департаментом",
        _ => status,
    };
}
