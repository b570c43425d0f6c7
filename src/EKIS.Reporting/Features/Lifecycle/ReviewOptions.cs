using EKIS.Reporting.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace EKIS.Reporting.Features.Lifecycle;

/// <summary>Review settings bound from <c>Review:*</c> (a record, so the slice scan does not take it for a slice).</summary>
public sealed record ReviewOptions
{
    public const int DefaultResubmitDays = 7;

    /// <summary>Days a returned (or reopened) report stays open for resubmission when the reviewer sets no date (<c>Review:ResubmitDays</c>).</summary>
    public int ResubmitDays { get; init; } = DefaultResubmitDays;

    public static ReviewOptions From(IConfiguration configuration)
    {
        var days = configuration.GetValue("Review:ResubmitDays", DefaultResubmitDays);
        if (days is < 0 or > 366)
            throw new StartupException($"Review:ResubmitDays must be between 0 and 366 days, not {days}.");
        return new ReviewOptions { ResubmitDays = days };
    }
}
