using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace EKIS.Reporting.Web.Infrastructure;

/// <summary>
/// Every file a page returns (progress workbooks, and every export to come) holds personal data —
/// names, statuses, dates of schools and people — so no browser or proxy may keep a copy: a shared
/// computer's cache would hand it to the next person. Applied to all pages once, so a new download
/// needs nothing of its own.
/// </summary>
public sealed class NoStoreDownloadsFilter : IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is not FileResult) return;
        var headers = context.HttpContext.Response.Headers;
        headers.CacheControl = "no-store";
        // HTTP/1.0 caches know only Pragma.
        headers.Pragma = "no-cache";
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
