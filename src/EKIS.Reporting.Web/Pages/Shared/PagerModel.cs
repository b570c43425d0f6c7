using Microsoft.AspNetCore.WebUtilities;

namespace EKIS.Reporting.Web.Pages.Shared;

/// <summary>Previous/next links that keep the list's filters and sorting.</summary>
public sealed record PagerModel(int Page, int Pages, int Total, string Path, IDictionary<string, string?> Query)
{
    public string Url(int page)
    {
        var q = Query.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value);
        q["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return QueryHelpers.AddQueryString(Path, q);
    }
}
