using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Templates;

/// <summary>
/// The template versions a folder holds, keyed by (code, version): a report is checked only by
/// the exact version it names. Files that are not templates are skipped and listed; so is a file
/// that repeats a (code, version) an earlier file already has — the first one (in file-name order)
/// stays, and <see cref="IsAmbiguous"/> says which versions were claimed by more than one file.
/// </summary>
public sealed class TemplateCatalog
{
    private readonly Dictionary<(string Code, string Version), FormTemplate> _templates = [];
    private readonly Dictionary<(string Code, string Version), string> _sources = [];
    private readonly HashSet<(string Code, string Version)> _ambiguous = [];

    public IReadOnlyList<string> Skipped => _skipped;
    private readonly List<string> _skipped = [];

    public IEnumerable<FormTemplate> Templates => _templates.Values;

    public static TemplateCatalog LoadFolder(string folder)
    {
        var catalog = new TemplateCatalog();
        foreach (var file in Directory.EnumerateFiles(folder, "*.xml", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            FormTemplate template;
            try
            {
                template = TemplateXml.LoadFile(file);
            }
            catch (XmlInputException ex)
            {
                catalog._skipped.Add($"{Path.GetFileName(file)}: {ex.Message}");
                continue;
            }
            catalog.Add(template, Path.GetFileName(file));
        }
        return catalog;
    }

    /// <summary>Adds a template; false (and listed in <see cref="Skipped"/>) when its (code, version) is already there.</summary>
    public bool Add(FormTemplate template, string? source = null)
    {
        var key = (template.Code, template.Version);
        if (_templates.TryAdd(key, template))
        {
            _sources[key] = source ?? template.ToString();
            return true;
        }
        _ambiguous.Add(key);
        _skipped.Add($"{source ?? template.ToString()}: шаблон {template.Code} версии «{template.Version}» уже загружен из «{_sources[key]}»; повтор пропущен.");
        return false;
    }

    public FormTemplate? Find(string code, string version) => _templates.GetValueOrDefault((code, version));

    /// <summary>True when more than one file claimed this (code, version).</summary>
    public bool IsAmbiguous(string code, string version) => _ambiguous.Contains((code, version));
}
