namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// A report's head row as every report slice reads it — only through the role's scope. The respondent's
/// registry values for the title (ОКПО, full name, director) come along from the row the head joins anyway.
/// </summary>
public sealed record ReportHead(long Id, long CampaignId, long OrgUnitId, long MunicipalityId, int Version, string Status, int RowVersion,
    long TemplateVersionId, int Year, string Period, DateOnly DueDate, string CampaignStatus,
    DateOnly? ExtensionUntil, DateOnly? ResubmitUntil, string Title, DateTime TemplateLoadedAt,
    string? RegistryOkpo, string RegistryName, string? RegistryDirector, bool IsNewest = true)
{
    public TitleFields.Registry Registry => new(RegistryOkpo, RegistryName, RegistryDirector);

    /// <summary>The last day the respondent may still edit and send (<see cref="Lifecycle.LastDay.Of"/>).</summary>
    public DateOnly LastDay => Lifecycle.LastDay.Of(DueDate, ExtensionUntil, ResubmitUntil);
}
