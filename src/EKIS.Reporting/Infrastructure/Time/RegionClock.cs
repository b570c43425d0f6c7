using Microsoft.Extensions.Configuration;

namespace EKIS.Reporting.Infrastructure.Time;

/// <summary>
/// Where the region is: its time zone decides what "today" is for deadlines, stamps on pages and
/// the recurring jobs' schedules. Bound from <c>Region:TimeZone</c> (an IANA id), default Europe/Moscow.
/// </summary>
public sealed class RegionOptions
{
    public const string DefaultTimeZone = "Europe/Moscow";

    public string TimeZone { get; init; } = DefaultTimeZone;

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public static RegionOptions From(IConfiguration configuration)
    {
        var options = new RegionOptions { TimeZone = configuration["Region:TimeZone"] is { Length: > 0 } z ? z.Trim() : DefaultTimeZone };
        try { _ = options.Zone; }
        catch (TimeZoneNotFoundException)
        {
            throw new StartupException($"Region:TimeZone «{options.TimeZone}» is not a time zone this machine knows (an IANA id such as Europe/Moscow is expected).");
        }
        return options;
    }
}

/// <summary>
/// The one clock of the application: the injected <see cref="TimeProvider"/> (tests fix it) read in
/// the region's time zone. "Today" for a deadline is the region's date, not the server's.
/// </summary>
public sealed class RegionClock(TimeProvider time, RegionOptions options)
{
    public TimeZoneInfo Zone { get; } = options.Zone;

    /// <summary>The current instant (UTC offset 0).</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The current instant in the region's zone.</summary>
    public DateTimeOffset LocalNow => TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone);

    /// <summary>Today's date in the region.</summary>
    public DateOnly Today => DateOnly.FromDateTime(LocalNow.DateTime);

    /// <summary>The region's date of a stored instant (timestamptz read as UTC <see cref="DateTime"/>).</summary>
    public DateOnly DateOf(DateTime utc) => DateOnly.FromDateTime(LocalOf(utc));

    /// <summary>A stored instant (timestamptz read as UTC <see cref="DateTime"/>) in the region's zone.</summary>
    public DateTime LocalOf(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);
}
