namespace EKIS.Reporting.Features.Outbox;

/// <summary>
/// The catalogue of domain events: every change that later work (aggregation, notifications,
/// export) reacts to. An event says "this changed"; a subscriber reads the current state
/// (docs/decisions/0002-outbox-dispatch.md), so the payload carries identifiers and context, never
/// a copy of the data.
/// </summary>
public static class DomainEvents
{
    // Report transitions: one per move of the status graph (report_id = the report moved).
    public const string ReportStarted = "report.started";
    public const string ReportSubmitted = "report.submitted";
    public const string ReportAcceptedByMunicipality = "report.accepted_by_municipality";
    public const string ReportReturnedByMunicipality = "report.returned_by_municipality";
    public const string ReportMunicipalAcceptanceWithdrawn = "report.municipal_acceptance_withdrawn";
    public const string ReportAcceptedByRegion = "report.accepted_by_region";
    public const string ReportReturnedByRegion = "report.returned_by_region";
    public const string ReportBulkAccepted = "report.bulk_accepted";
    /// <summary>A new version was opened for correction: report_id is the NEW version, payload.previous_report_id the old one.</summary>
    public const string ReportReopened = "report.reopened";

    // Deadlines of one respondent.
    public const string ExtensionGranted = "report.extension_granted";
    public const string ExtensionWithdrawn = "report.extension_withdrawn";

    // Campaigns.
    public const string RespondentAdded = "campaign.respondent_added";
    public const string RespondentDropped = "campaign.respondent_dropped";
    public const string CampaignOpened = "campaign.opened";
    public const string CampaignClosed = "campaign.closed";
    public const string CampaignReopened = "campaign.reopened";
    public const string CampaignArchived = "campaign.archived";
    public const string CampaignDatesChanged = "campaign.dates_changed";

    /// <summary>
    /// A registry change (payload.change: move | merge | close | group; payload.units) that takes
    /// effect on or before the reference date of an open campaign: one event per such campaign.
    /// </summary>
    public const string RegistryChanged = "registry.changed";

    public static readonly IReadOnlyList<string> All =
    [
        ReportStarted, ReportSubmitted, ReportAcceptedByMunicipality, ReportReturnedByMunicipality,
        ReportMunicipalAcceptanceWithdrawn, ReportAcceptedByRegion, ReportReturnedByRegion, ReportBulkAccepted,
        ReportReopened, ExtensionGranted, ExtensionWithdrawn, RespondentAdded, RespondentDropped,
        CampaignOpened, CampaignClosed, CampaignReopened, CampaignArchived, CampaignDatesChanged, RegistryChanged,
    ];
}
