using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Templates;

/// <summary>
/// The template versions a folder holds, keyed by (code, version): a report is checked only by
/// the exact version it names. Files that are not templates are skipped and listed.
/// </summary>
public sealed class TemplateCatalog
{
    private readonly Dictionary<(string Code, string Version), FormTemplate> _templates = [];

    public IReadOnlyList<string> Skipped => _skipped;
    private readonly List<string> _skipped = [];

    public IEnumerable<FormTemplate> Templates => _templates.Values;

    public static TemplateCatalog LoadFolder(string folder)
    {
        var catalog = new TemplateCatalog();
        foreach (var file in Directory.EnumerateFiles(folder, "*.xml", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            try
            {
                catalog.Add(TemplateXml.LoadFile(file));
            }
            catch (XmlInputException ex)
            {
                catalog._skipped.Add($"{Path.GetFileName(file)}: {ex.Message}");
            }
        }
        return catalog;
    }

    public void Add(FormTemplate template) => _templates[(template.Code, template.Version)] = template;

    public FormTemplate? Find(string code, string version) => _templates.GetValueOrDefault((code, version));
}
