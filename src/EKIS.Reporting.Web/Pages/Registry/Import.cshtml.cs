using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>
/// An administrator uploads a CSV/XLSX registry file: the dry run lists every problem grouped by
/// column; a clean file is kept on the server under a random token until "apply" (all or nothing).
/// </summary>
[Authorize(Policy = Policies.Admin)]
[RequestSizeLimit(ImportModel.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = ImportModel.MaxBytes + 1024 * 1024)]
public sealed class ImportModel(ImportRegistry import, ICurrentActor actor, TimeProvider clock, ILogger<ImportModel> log) : PageModel
{
    /// <summary>The registry reader's own limit (20 MB); the request may carry a little more for the form.</summary>
    public const long MaxBytes = 20 * 1024 * 1024;

    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "ekis-registry-import");

    public ImportRegistry.Result? Result { get; private set; }
    public string? FileName { get; private set; }
    public string? Token { get; private set; }
    public string? Error { get; private set; }

    public IEnumerable<IGrouping<string, RegistryProblem>> ProblemGroups =>
        (Result?.Problems ?? []).GroupBy(p => p.Column is null ? "Файл и строки целиком" : ColumnTitle(p.Column)).OrderByDescending(g => g.Count());

    private static string ColumnTitle(string column) =>
        RegistryColumns.All.FirstOrDefault(c => c.Name == column) is { } c ? $"{c.Title} ({c.Name})" : column;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostCheckAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            Error = "Выберите непустой файл CSV или XLSX.";
            return Page();
        }
        if (file.Length > MaxBytes)
        {
            Error = $"Файл больше {MaxBytes / 1024 / 1024} МБ.";
            return Page();
        }
        var bytes = new byte[file.Length];
        await using (var s = file.OpenReadStream())
            await s.ReadExactlyAsync(bytes, ct);
        FileName = Path.GetFileName(file.FileName);
        Result = await import.DryRunAsync(bytes, FileName, ct);
        if (Result.IsClean)
        {
            Directory.CreateDirectory(Folder);
            RemoveStaleFiles();
            Token = Guid.NewGuid().ToString("N");
            await System.IO.File.WriteAllBytesAsync(PathOf(Token, FileName), bytes, ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(string? token, string? fileName, CancellationToken ct)
    {
        if (token is null || !Guid.TryParseExact(token, "N", out _) || string.IsNullOrEmpty(fileName) || fileName != Path.GetFileName(fileName)
            || !System.IO.File.Exists(PathOf(token, fileName)))
        {
            Error = "Проверенный файл не найден: загрузите его ещё раз.";
            return Page();
        }
        var path = PathOf(token, fileName);
        var bytes = await System.IO.File.ReadAllBytesAsync(path, ct);
        FileName = fileName;
        Result = await import.ApplyAsync(bytes, fileName, actor.Actor, ct);
        System.IO.File.Delete(path);
        if (Result.Applied)
            log.LogInformation("Registry file {FileName} applied: {Created} created, {Updated} updated", fileName, Result.Created, Result.Updated);
        return Page();
    }

    /// <summary>Checked files that were never applied are of no use after a day.</summary>
    private void RemoveStaleFiles()
    {
        foreach (var f in new DirectoryInfo(Folder).EnumerateFiles())
        {
            if (f.LastWriteTimeUtc >= clock.GetUtcNow().UtcDateTime.AddDays(-1)) continue;
            try { f.Delete(); }
            catch (IOException) { /* another request may be applying it right now */ }
        }
    }

    private static string PathOf(string token, string fileName) => Path.Combine(Folder, token + Path.GetExtension(fileName).ToLowerInvariant());
}
