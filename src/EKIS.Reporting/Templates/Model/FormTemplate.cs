using System.Collections.Frozen;
using EKIS.Reporting.Templates.Controls;

namespace EKIS.Reporting.Templates.Model;

public enum ColumnType { B, V, S, Z }

public enum RowType { F, C, M }

/// <summary><c>inputType</c>: 1 = mandatory (except in M rows), 0 = not entered («х»), 2 = optional.</summary>
public enum InputType { NotEntered = 0, Mandatory = 1, Optional = 2 }

/// <summary>A cell format: <c>N(p,s)</c> or <c>C(n)</c>.</summary>
public abstract record CellFormat
{
    public sealed record Number(int IntegerDigits, int FractionDigits) : CellFormat;

    public sealed record Text(int MaxLength) : CellFormat;
}

/// <summary>How one cell is entered and validated: a column's default-cell or a row's override.</summary>
public sealed record CellSpec(
    InputType InputType,
    CellFormat? Format,
    string FormatText,
    int VldType,
    string? Vld,
    string? Dic,
    string? Default,
    int Line);

public sealed record TemplateColumn(string Code, string Name, ColumnType Type, string? Fld, CellSpec DefaultCell, int Line)
{
    public string Key { get; } = Codes.Key(Code);
}

public sealed record TemplateRow(string Code, string Name, RowType Type, IReadOnlyDictionary<string, CellSpec> CellOverrides, int Line)
{
    public string Key { get; } = Codes.Key(Code);
}

public sealed record TemplateSection(string Code, string Name, IReadOnlyList<TemplateColumn> Columns, IReadOnlyList<TemplateRow> Rows, int Line)
{
    public string Key { get; } = Codes.Key(Code);

    // First occurrence wins; duplicates are a lint problem, not a load failure.
    private readonly FrozenDictionary<string, int> _columns = IndexOf(Columns.Select(c => c.Key));
    private readonly FrozenDictionary<string, int> _rows = IndexOf(Rows.Select(r => r.Type == RowType.C && r.Key.Length == 0 ? null : r.Key));

    public int ColumnIndex(string code) => _columns.TryGetValue(Codes.Key(code), out var i) ? i : -1;

    public int RowIndex(string code) => _rows.TryGetValue(Codes.Key(code), out var i) ? i : -1;

    /// <summary>The spec in force for one cell: the row's override, else the column's default-cell.</summary>
    public CellSpec CellSpecFor(int row, int column) =>
        Rows[row].CellOverrides.TryGetValue(Columns[column].Key, out var spec) ? spec : Columns[column].DefaultCell;

    private static FrozenDictionary<string, int> IndexOf(IEnumerable<string?> keys)
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var k in keys)
        {
            if (k is not null)
                d.TryAdd(k, i);
            i++;
        }
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

public sealed record TitleField(string Field, string Name, string? Dic, int Line);

public enum ControlSeverity { Warning = 0, Error = 1 }

/// <summary>A control as written in the template; its compiled form is <see cref="CompiledControl"/>.</summary>
public sealed record ControlDefinition(
    string Id,
    string Name,
    string Condition,
    string Rule,
    ControlSeverity Tip,
    decimal? Fault,
    int Precision,
    string PeriodClause,
    int Line);

public sealed record DicTerm(string Id, string Text);

public sealed record TemplateDictionary(string Id, string Name, IReadOnlyList<DicTerm> Terms, int Line)
{
    private readonly FrozenSet<string> _keys = Terms.Select(t => Codes.Key(t.Id)).ToFrozenSet(StringComparer.Ordinal);

    public bool Contains(string code) => _keys.Contains(Codes.Key(code));
}

/// <summary>A problem found while loading a template that does not stop it loading (lint reports it).</summary>
public sealed record TemplateProblem(int Line, string Message);

/// <summary>
/// One version of one form, immutable. Identified by <see cref="Code"/> (OKUD + idf + idp) and
/// <see cref="Version"/>. Controls are compiled once, here, when the template is built; a control
/// that does not compile stays in <see cref="Controls"/> marked broken so the others still run.
/// </summary>
public sealed class FormTemplate
{
    public FormTemplate(
        TemplateHeader header,
        IReadOnlyList<TitleField> title,
        IReadOnlyList<TemplateSection> sections,
        IReadOnlyList<ControlDefinition> controls,
        IReadOnlyList<TemplateDictionary> dictionaries,
        IReadOnlyList<TemplateProblem> loadProblems)
    {
        Header = header;
        Title = title;
        Sections = sections;
        Dictionaries = dictionaries;
        LoadProblems = loadProblems;
        var sectionIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < sections.Count; i++)
            sectionIndex.TryAdd(sections[i].Key, i);
        _sections = sectionIndex.ToFrozenDictionary(StringComparer.Ordinal);
        var dics = new Dictionary<string, TemplateDictionary>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in dictionaries)
            dics.TryAdd(d.Id, d);
        _dics = dics.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Controls = controls.Select(c => ControlCompiler.Compile(this, c)).ToArray();
    }

    private readonly FrozenDictionary<string, int> _sections;
    private readonly FrozenDictionary<string, TemplateDictionary> _dics;

    public TemplateHeader Header { get; }
    public string Code => Header.Code;
    public string Version => Header.Version;
    public IReadOnlyList<TitleField> Title { get; }
    public IReadOnlyList<TemplateSection> Sections { get; }
    public IReadOnlyList<CompiledControl> Controls { get; }
    public IReadOnlyList<TemplateDictionary> Dictionaries { get; }
    public IReadOnlyList<TemplateProblem> LoadProblems { get; }

    public int SectionIndex(string code) => _sections.TryGetValue(Codes.Key(code), out var i) ? i : -1;

    public TemplateDictionary? Dictionary(string? id) =>
        id is not null && _dics.TryGetValue(id, out var d) ? d : null;

    public override string ToString() => $"{Header.Name} ({Code}, версия {Version})";
}

/// <summary>The attributes of <c>metaForm</c>.</summary>
public sealed record TemplateHeader(
    string Code,
    string Okud,
    string Idf,
    string Idp,
    string Shifr,
    string Name,
    string Obj,
    string FormatVersion,
    string Version)
{
    /// <summary>Periodicity from <c>idp</c>: 1 annual, 2 half-year, 4 quarterly, 12 monthly, 36 ten-day, 56 weekly.</summary>
    public int Periodicity => int.TryParse(Idp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : 0;
}
