namespace EKIS.Reporting.Features.Lifecycle;

/// <summary>
/// Which version of a respondent's report counts, by the level the figures are vouched for. A
/// reopened version replaces its predecessor at a level only once it reaches that level itself.
/// </summary>
public enum DataLevel
{
    /// <summary>The newest version accepted by the region: official figures, the Rosstat export by default.</summary>
    Region,
    /// <summary>The newest version accepted by the municipality or the region: the default of the analyst's screens.</summary>
    Municipality,
    /// <summary>The newest version that is sent or accepted: fresh, not yet vouched for.</summary>
    Monitoring,
}

/// <summary>
/// The SQL homes of the version rules (migration 0017): <c>ekis.report_newest</c> (each respondent's
/// newest version, the one being worked on) and one view per <see cref="DataLevel"/> returning
/// (campaign_id, org_unit_id, report_id, version, status).
/// </summary>
public static class ReportVersions
{
    /// <summary>The view of the versions that count at <paramref name="level"/> — a constant chosen here, never text from a request.</summary>
    public static string Counting(DataLevel level) => level switch
    {
        DataLevel.Region => "ekis.report_counting_region",
        DataLevel.Municipality => "ekis.report_counting_municipality",
        _ => "ekis.report_counting_monitoring",
    };

    public static string Title(DataLevel level) => level switch
    {
        DataLevel.Region => "принятые департаментом",
        DataLevel.Municipality => "принятые муниципалитетами и департаментом",
        _ => "мониторинг: отправленные и принятые",
    };

    /// <summary>The statuses with which a version has reached <paramref name="level"/> (the views spell the same lists).</summary>
    public static IReadOnlyList<string> Reached(DataLevel level) => level switch
    {
        DataLevel.Region => [ReportStatus.AcceptedByRegion],
        DataLevel.Municipality => ReportStatus.Accepted,
        _ => ReportStatus.Sent,
    };
}
