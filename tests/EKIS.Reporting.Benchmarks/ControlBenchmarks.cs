using BenchmarkDotNet.Attributes;
using EKIS.Reporting.Infrastructure;
using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Controls;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;

namespace EKIS.Reporting.Benchmarks;

/// <summary>
/// Issue 3's budget: all controls of the shipped ОО-1 on one full report under 200 µs and within
/// 3× of the same checks written by hand (the floor), measured in the same run; loading a template
/// under 50 ms. Both control benchmarks start from the parsed report and lay it out by template
/// indexes themselves, so the ratio is the price of interpreting the rules.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ControlBenchmarks
{
    private string _templatePath = "";
    private FormTemplate _template = null!;
    private Report _report = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = RepositoryPaths.FindRepositoryRoot() ?? throw new InvalidOperationException("Run inside the repository.");
        _templatePath = Path.Combine(root, "templates", "forms", "oo-1.xml");
        _template = TemplateXml.LoadFile(_templatePath);
        _report = ReportXml.LoadFile(Path.Combine(root, "templates", "forms", "samples", "oo-1.report.xml"));
        if (EngineAllControls() != 0 || HandWrittenAllControls() != 0)
            throw new InvalidOperationException("The sample report must pass every control.");
    }

    [Benchmark(Baseline = true, Description = "ОО-1: hand-written C# checks")]
    public int HandWrittenAllControls() => HandWrittenOo1.Check(_template, _report);

    [Benchmark(Description = "ОО-1: all template controls (engine)")]
    public int EngineAllControls()
    {
        var failures = 0;
        foreach (var f in ReportChecker.CheckControls(_template, _report, null, 1))
            failures++;
        return failures;
    }

    [Benchmark(Description = "Load ОО-1 template (parse + compile controls)")]
    public FormTemplate LoadTemplate() => TemplateXml.LoadFile(_templatePath);
}

/// <summary>The eight ОО-1 controls written out by hand, with the same NULL-as-zero reading.</summary>
internal static class HandWrittenOo1
{
    public static int Check(FormTemplate t, Report r)
    {
        // Lay the report out by template indexes, exactly as the engine's ReportData does.
        var data = new decimal?[t.Sections.Count][][];
        for (var si = 0; si < data.Length; si++)
        {
            var s = t.Sections[si];
            data[si] = new decimal?[s.Rows.Count][];
            for (var ri = 0; ri < s.Rows.Count; ri++)
                data[si][ri] = new decimal?[s.Columns.Count];
        }
        foreach (var rs in r.Sections)
        {
            var si = t.SectionIndex(rs.Code);
            if (si < 0) continue;
            var ts = t.Sections[si];
            foreach (var row in rs.Rows)
            {
                var ri = ts.RowIndex(row.Code);
                if (ri < 0) continue;
                foreach (var cell in row.Cells)
                {
                    var ci = ts.ColumnIndex(cell.Column);
                    if (ci >= 0 && ReportData.TryNumber(cell.Value, out var v))
                        data[si][ri][ci] = v;
                }
            }
        }
        var failures = 0;
        var flags = data[0];   // 1.2: rows 24, 25, 26, 28; column 3 at index 2
        var c211 = data[1];    // 2.1.1: rows 01..08, columns 3..15 at indexes 2..14
        var c212 = data[2];    // 2.1.2: rows 01..04, columns 3..6 at indexes 2..5
        var c24 = data[3];     // 2.4: rows 01..06, columns 3..5 at indexes 2..4
        static decimal Z(decimal? v) => v ?? 0;

        for (var i = 0; i < 4; i++)
        {
            var v = Z(flags[i][2]);
            if (v != 1 && v != 2) failures++;
        }
        for (var pair = 0; pair < 4; pair++)
            for (var c = 2; c <= 14; c++)
                if (Z(c211[pair * 2 + 1][c]) < Z(c211[pair * 2][c])) failures++;
        var f24 = Z(flags[0][2]);
        if (f24 != 1 && (f24 != 2 || Z(flags[2][2]) != 2 || Z(flags[3][2]) != 2 || Z(flags[1][2]) != 1))
            for (var row = 2; row <= 3; row++)
                for (var c = 2; c <= 14; c++)
                    if (Z(c211[row][c]) != 0) failures++;
        for (var row = 0; row < 8; row++)
        {
            decimal sum = 0;
            for (var c = 3; c <= 14; c++) sum += Z(c211[row][c]);
            if (Z(c211[row][2]) != sum) failures++;
        }
        for (var c = 2; c <= 5; c++)
            if (Z(c212[0][c]) != Z(c212[1][c]) + Z(c212[2][c]) + Z(c212[3][c])) failures++;
        for (var row = 0; row < 4; row++)
        {
            if (Z(c212[row][2]) != Z(c212[row][3]) + Z(c212[row][4])) failures++;
            if (Z(c212[row][5]) < Z(c212[row][4])) failures++;
        }
        for (var c = 2; c <= 4; c++)
            if (Z(c24[0][c]) != Z(c24[1][c]) + Z(c24[2][c]) + Z(c24[3][c]) + Z(c24[4][c])) failures++;
        return failures;
    }
}
