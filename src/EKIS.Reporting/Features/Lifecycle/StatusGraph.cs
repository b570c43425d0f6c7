using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Outbox;

namespace EKIS.Reporting.Features.Lifecycle;

/// <summary>Every kind of move a report makes; each has one row in <see cref="StatusGraph"/> and one outbox event.</summary>
public enum TransitionKind
{
    Start, Submit, AcceptByMunicipality, ReturnByMunicipality, WithdrawMunicipalAcceptance,
    AcceptByRegion, ReturnByRegion, BulkAccept, ReopenAsNewVersion,
}

/// <summary>Who may make a move: the respondent (director or employee with a right), the municipal operator, the region (analyst, administrator).</summary>
public enum Actors { Respondent, Municipality, Region }

/// <summary>
/// One move of the status graph: from which statuses of the report acted on (none for starting one),
/// to which, who makes it, whether a comment is required, and the event it appends. A move that
/// <paramref name="Creates"/> a report (a start, a new version) is recorded on the new report as a
/// transition from no status.
/// </summary>
public sealed record Move(TransitionKind Kind, IReadOnlyList<string> From, string To, Actors By, bool CommentRequired, string Event,
    bool Creates = false)
{
    /// <summary>Whether the person acting in <paramref name="scope"/> is of the kind that makes this move (rights are checked separately).</summary>
    public bool MayBeMadeBy(AccessScope scope) => By switch
    {
        Actors.Respondent => scope.IsSchool,
        Actors.Municipality => scope.Role == Roles.MunicipalOperator,
        _ => scope.IsRegional,
    };

    /// <summary>The status the transition row records as "from": none when the move creates the report.</summary>
    public bool Records(string? from, string to) => to == To && (Creates ? from is null : from is not null && From.Contains(from));

    /// <summary>A move back to the respondent: it gets a resubmission date.</summary>
    public bool IsReturn => To is ReportStatus.ReturnedByMunicipality or ReportStatus.ReturnedByRegion;
}

/// <summary>
/// The table of moves a report can make — the one place that says which role moves which status to
/// which. <see cref="ReportReview"/> and the review page's actions consult it; <see cref="ReportTransitions"/>
/// refuses a move it does not list.
/// </summary>
public static class StatusGraph
{
    public static readonly IReadOnlyList<Move> Moves =
    [
        new(TransitionKind.Start, [], ReportStatus.Draft, Actors.Respondent, false, DomainEvents.ReportStarted, Creates: true),
        new(TransitionKind.Submit, ReportStatus.Editable, ReportStatus.Submitted, Actors.Respondent, false, DomainEvents.ReportSubmitted),
        new(TransitionKind.AcceptByMunicipality, [ReportStatus.Submitted], ReportStatus.AcceptedByMunicipality, Actors.Municipality, false,
            DomainEvents.ReportAcceptedByMunicipality),
        new(TransitionKind.ReturnByMunicipality, [ReportStatus.Submitted], ReportStatus.ReturnedByMunicipality, Actors.Municipality, true,
            DomainEvents.ReportReturnedByMunicipality),
        // Until the region acts, the operator may take an acceptance back: under review again (not a new send).
        new(TransitionKind.WithdrawMunicipalAcceptance, [ReportStatus.AcceptedByMunicipality], ReportStatus.Submitted, Actors.Municipality, false,
            DomainEvents.ReportMunicipalAcceptanceWithdrawn),
        new(TransitionKind.AcceptByRegion, [ReportStatus.AcceptedByMunicipality], ReportStatus.AcceptedByRegion, Actors.Region, false,
            DomainEvents.ReportAcceptedByRegion),
        new(TransitionKind.ReturnByRegion, [ReportStatus.Submitted, ReportStatus.AcceptedByMunicipality], ReportStatus.ReturnedByRegion, Actors.Region, true,
            DomainEvents.ReportReturnedByRegion),
        new(TransitionKind.BulkAccept, [ReportStatus.Submitted], ReportStatus.AcceptedByMunicipality, Actors.Municipality, false,
            DomainEvents.ReportBulkAccepted),
        // A new version (a draft) of a regionally accepted report; the accepted version stays as it is.
        new(TransitionKind.ReopenAsNewVersion, [ReportStatus.AcceptedByRegion], ReportStatus.Draft, Actors.Region, true, DomainEvents.ReportReopened,
            Creates: true),
    ];

    public static Move Of(TransitionKind kind) => Moves.Single(m => m.Kind == kind);

    /// <summary>The moves of the review path the person in <paramref name="scope"/> may make from <paramref name="status"/>.</summary>
    public static IEnumerable<Move> Available(AccessScope scope, string status) =>
        Moves.Where(m => m.From.Contains(status) && m.MayBeMadeBy(scope));
}
