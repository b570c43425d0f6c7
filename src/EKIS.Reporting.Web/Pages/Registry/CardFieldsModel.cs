using EKIS.Reporting.Features.Registry;

namespace EKIS.Reporting.Web.Pages.Registry;

/// <summary>The editable card fields with their values and problems (edit page and proposals).</summary>
public sealed record CardFieldsModel(IReadOnlyDictionary<string, string?> Values, IReadOnlyList<RegistryProblem> Problems);
