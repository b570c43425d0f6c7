using Microsoft.Extensions.Configuration;

namespace EKIS.Reporting.Infrastructure.Files;

/// <summary>
/// How far an uploaded zip (an XLSX workbook today) may unpack, bound from <c>Uploads:Zip</c>
/// (<c>Uploads__Zip__MaxEntryBytes</c> …). The defaults leave room for a 40,000-row registry workbook
/// (its sheet unpacks to tens of megabytes, compressed about 10 : 1) and refuse a zip bomb long before
/// it can fill the server's memory.
/// </summary>
public sealed class ZipLimits
{
    public const string Section = "Uploads:Zip";

    /// <summary>Parts in the archive (a workbook has a dozen or two).</summary>
    public int MaxEntries { get; set; } = 1000;

    /// <summary>Unpacked bytes of any one part.</summary>
    public long MaxEntryBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Unpacked bytes of all parts together.</summary>
    public long MaxTotalBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Unpacked size ÷ packed size of a part (spreadsheet XML packs about 5–20 : 1).</summary>
    public int MaxCompressionRatio { get; set; } = 100;

    public static ZipLimits Default { get; } = new();

    public static ZipLimits From(IConfiguration config)
    {
        var limits = new ZipLimits();
        try
        {
            config.GetSection(Section).Bind(limits);
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupException($"{Section}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        if (limits.MaxEntries <= 0 || limits.MaxEntryBytes <= 0 || limits.MaxTotalBytes <= 0 || limits.MaxCompressionRatio <= 0)
            throw new StartupException($"{Section}: MaxEntries, MaxEntryBytes, MaxTotalBytes and MaxCompressionRatio must be positive numbers.");
        return limits;
    }
}
