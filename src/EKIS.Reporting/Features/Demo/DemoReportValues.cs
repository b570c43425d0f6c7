using System.Globalization;
using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Features.Demo;

/// <summary>The shipped form templates (templates/forms/*.xml), embedded in the core assembly.</summary>
public static class ShippedTemplates
{
    public const string Oo1 = "oo-1.xml";
    public const string K85 = "85-k.xml";

    public static string Read(string fileName)
    {
        var asm = typeof(ShippedTemplates).Assembly;
        using var stream = asm.GetManifestResourceStream("templates.forms." + fileName)
            ?? throw new FileNotFoundException($"The template {fileName} is not embedded in {asm.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>
/// Plausible values of the shipped ОО-1 and 85-К excerpts for one organisation, consistent with every
/// control of the form (the control numbers are named where a value is derived). The same seed gives
/// the same report, so the demo is reproducible.
/// </summary>
public static class DemoReportValues
{
    public enum SchoolType { Ordinary, WithDeepClasses, Gymnasium, Lyceum, Basic }

    /// <summary>The school type the demo infers from the short name (ООШ = grades 1–9 only).</summary>
    public static SchoolType TypeOf(string name, int seed) =>
        name.Contains("Гимназия", StringComparison.Ordinal) ? SchoolType.Gymnasium
        : name.Contains("Лицей", StringComparison.Ordinal) ? SchoolType.Lyceum
        : name.Contains("ООШ", StringComparison.Ordinal) || name.Contains("Основная", StringComparison.Ordinal) ? SchoolType.Basic
        : seed % 3 == 0 ? SchoolType.WithDeepClasses : SchoolType.Ordinary;

    /// <summary>A stable seed from an ЕКИС code (string.GetHashCode differs between processes).</summary>
    public static int Seed(string code)
    {
        var h = 17;
        foreach (var ch in code) h = unchecked(h * 31 + ch);
        return h & 0x7fffffff;
    }

    private static string N(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>A complete ОО-1 (sections 1.2, 2.1.1, 2.1.2, 2.4) that passes controls 1–8.</summary>
    public static List<CellValue> Oo1(int seed, SchoolType type)
    {
        var rnd = new Random(seed);
        var cells = new List<CellValue>();
        // 1.2: 24 deep-study school, 25 deep classes in another school, 26 gymnasium, 28 lyceum (1 yes, 2 no; control 1).
        var deep = type == SchoolType.WithDeepClasses;
        cells.Add(new("1.2", "24", "3", "2"));
        cells.Add(new("1.2", "25", "3", deep ? "1" : "2"));
        cells.Add(new("1.2", "26", "3", type == SchoolType.Gymnasium ? "1" : "2"));
        cells.Add(new("1.2", "28", "3", type == SchoolType.Lyceum ? "1" : "2"));

        // 2.1.1: classes and pupils by grade (columns 4–14 = grades 1–11). Ordinary classes in rows 01/02;
        // deep-study classes (rows 03/04, only allowed by control 3 when 1.2 row 25 = 1), gymnasium (05/06)
        // and lyceum (07/08) classes take one class of the senior grades.
        var lastGrade = type == SchoolType.Basic ? 9 : 11;
        var perGrade = type == SchoolType.Basic ? 1 : 1 + rnd.Next(3);
        var special = type switch { SchoolType.WithDeepClasses => "03", SchoolType.Gymnasium => "05", SchoolType.Lyceum => "07", _ => null };
        var rows = new Dictionary<string, int[]>();
        int[] Row(string code) => rows.TryGetValue(code, out var r) ? r : rows[code] = new int[12];
        int[] pupilsByGrade = new int[12];
        for (var grade = 1; grade <= lastGrade; grade++)
        {
            var classes = grade >= 10 ? Math.Max(1, perGrade - 1) : perGrade;
            for (var k = 0; k < classes; k++)
            {
                var size = type == SchoolType.Basic ? 8 + rnd.Next(10) : 20 + rnd.Next(9);
                var inSpecial = special is not null && grade >= (special == "03" ? 8 : 5) && k == 0;
                var classRow = inSpecial ? special! : "01";
                var pupilRow = (int.Parse(classRow, CultureInfo.InvariantCulture) + 1).ToString("00", CultureInfo.InvariantCulture);
                Row(classRow)[grade]++;
                Row(pupilRow)[grade] += size;
                pupilsByGrade[grade] += size;
            }
        }
        foreach (var (code, byGrade) in rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            cells.Add(new("2.1.1", code, "3", N(byGrade.Sum())));   // control 4: column 3 = sum of grades
            for (var grade = 1; grade <= 11; grade++)
                if (byGrade[grade] > 0) cells.Add(new("2.1.1", code, N(grade + 3), N(byGrade[grade])));
        }

        // 2.1.2: classes by level (02: 1–4, 03: 5–9, 04: 10–11), none merged into class-sets; row 01 = sum (controls 5–7).
        var classRows = rows.Where(r => r.Key is "01" or "03" or "05" or "07").Select(r => r.Value).ToList();
        int Classes(int from, int to) => classRows.Sum(r => r.Skip(from).Take(to - from + 1).Sum());
        var levels = new[] { ("02", Classes(1, 4)), ("03", Classes(5, 9)), ("04", Classes(10, 11)) };
        var total = levels.Sum(l => l.Item2);
        cells.Add(new("2.1.2", "01", "3", N(total)));
        cells.Add(new("2.1.2", "01", "4", N(total)));
        foreach (var (code, n) in levels.Where(l => l.Item2 > 0))
        {
            cells.Add(new("2.1.2", code, "3", N(n)));
            cells.Add(new("2.1.2", code, "4", N(n)));
        }

        // 2.4: last year's leavers of grades 9 (basic) and 11 (secondary); row 01 = rows 02–05 (control 8), column 3 = 4 + 5.
        var leavers = new int[6, 2];
        var cohorts = new[] { pupilsByGrade[9] - rnd.Next(3), type == SchoolType.Basic ? 0 : pupilsByGrade[11] - rnd.Next(3) };
        for (var level = 0; level < 2; level++)
        {
            var all = Math.Max(0, cohorts[level]);
            if (all == 0) continue;
            var honours = rnd.Next(all / 8 + 1);
            var ovz = level == 0 ? Math.Min(rnd.Next(3), all - honours) : 0;
            var certificate = Math.Min(rnd.Next(2), all - honours - ovz);
            leavers[1, level] = all;
            leavers[3, level] = honours;
            leavers[4, level] = ovz;
            leavers[5, level] = certificate;
            leavers[2, level] = all - honours - ovz - certificate;
        }
        var externs = rnd.Next(2);
        foreach (var (row, i) in new[] { ("01", 1), ("02", 2), ("03", 3), ("04", 4), ("05", 5) })
            AddLeavers(cells, row, leavers[i, 0], leavers[i, 1]);
        AddLeavers(cells, "06", externs, 0);
        return cells;
    }

    private static void AddLeavers(List<CellValue> cells, string row, int basic, int secondary)
    {
        if (basic + secondary == 0) return;
        cells.Add(new("2.4", row, "3", N(basic + secondary)));
        if (basic > 0) cells.Add(new("2.4", row, "4", N(basic)));
        if (secondary > 0) cells.Add(new("2.4", row, "5", N(secondary)));
    }

    /// <summary>A complete 85-К (sections 1, 3 and 7) that passes controls 1–17.</summary>
    public static List<CellValue> K85(int seed)
    {
        var rnd = new Random(seed);
        var cells = new List<CellValue>();
        void Add(string section, string row, string column, int value)
        {
            if (value != 0) cells.Add(new(section, row, column, N(value)));
        }

        // Section 1: groups. Row 102 (under 3) has only full-day groups (columns 7, 8 are «х»); 103 (3 and older)
        // full-day, of them compensating / health (columns 5, 6 within 4), short-stay (7); 104 mixed-age; 105 family.
        var under3 = 1 + rnd.Next(3);
        var older = 3 + rnd.Next(6);
        var compensating = rnd.Next(Math.Min(2, older) + 1);
        var health = rnd.Next(2);
        var shortStay = rnd.Next(2);
        var mixed = rnd.Next(2);
        var g = new Dictionary<string, int[]> // columns 4..8 at indexes 4..8
        {
            ["102"] = [0, 0, 0, 0, under3, 0, 0, 0, 0],
            ["103"] = [0, 0, 0, 0, older, compensating, health, shortStay, 0],
            ["104"] = [0, 0, 0, 0, mixed, 0, 0, 0, 0],
        };
        var total = new int[9];
        foreach (var (row, v) in g)
        {
            v[3] = v[4] + v[7] + v[8];                       // controls 2, 3
            for (var col = 3; col <= 8; col++) total[col] += v[col];
        }
        Add("1", "001", "3", 1);                             // control 1
        for (var col = 3; col <= 8; col++) Add("1", "101", N(col), total[col]);   // controls 7, 8
        foreach (var (row, v) in g)
            for (var col = 3; col <= 8; col++) Add("1", row, N(col), v[col]);

        var childrenUnder3 = under3 * (12 + rnd.Next(5));
        var childrenOlder = older * (20 + rnd.Next(6)) + shortStay * (8 + rnd.Next(5)) + mixed * (15 + rnd.Next(5));
        var children = childrenUnder3 + childrenOlder;
        Add("1", "106", "3", children);                      // control 10
        Add("1", "107", "3", rnd.Next(under3 + 1));          // control 9

        // Section 3: the under-3 groups, all of general orientation (control 11: columns 3, 5, 7 = row 102 columns 3, 5, 6).
        Add("3", "301", "3", under3);
        Add("3", "301", "4", under3);
        Add("3", "302", "3", childrenUnder3);
        Add("3", "302", "4", childrenUnder3);

        // Section 7: children by age (columns 4–11: under 1 … 7 and older); column 3 = sum (control 12); every
        // "of them girls" row and every "of row 701" row within the row it belongs to (controls 13–17).
        var byAge = new int[12];
        byAge[5] = childrenUnder3 * 2 / 5;
        byAge[6] = childrenUnder3 - byAge[5];
        var rest = childrenOlder;
        for (var col = 7; col <= 10 && rest > 0; col++)
        {
            var share = col == 10 ? rest : Math.Min(rest, childrenOlder / 4 + rnd.Next(5));
            byAge[col] = share;
            rest -= share;
        }
        if (rest > 0) byAge[10] += rest;
        var moved = Math.Min(byAge[10], rnd.Next(4));        // a few children already 7
        byAge[10] -= moved;
        byAge[11] = moved;
        var girls = byAge.Select(v => v * (45 + rnd.Next(10)) / 100).ToArray();
        var adapted = byAge.Select((v, col) => col >= 8 && compensating > 0 ? Math.Min(v, 2 + rnd.Next(4)) : 0).ToArray();
        var adaptedGirls = adapted.Select(v => v / 3).ToArray();
        var foreign = byAge.Select((v, col) => col is 7 or 9 ? Math.Min(v, rnd.Next(3)) : 0).ToArray();
        var foreignGirls = foreign.Select(v => v / 2).ToArray();
        var dual = byAge.Select((v, col) => col == 8 ? Math.Min(v, rnd.Next(2)) : 0).ToArray();
        foreach (var (row, values) in new[]
                 {
                     ("701", byAge), ("702", girls), ("703", byAge), ("704", girls), ("705", adapted), ("706", adaptedGirls),
                     ("707", foreign), ("708", foreignGirls), ("709", dual),
                 })
        {
            Add("7", row, "3", values.Skip(4).Sum());
            for (var col = 4; col <= 11; col++) Add("7", row, N(col), values[col]);
        }
        return cells;
    }

    /// <summary>Only the first <paramref name="sections"/> of a report: a draft being filled in.</summary>
    public static List<CellValue> Partial(IEnumerable<CellValue> cells, params string[] sections) =>
        cells.Where(c => sections.Contains(c.Section)).ToList();

    /// <summary>The same report with a typo in a total: column 3 of <paramref name="row"/> in <paramref name="section"/> is off by ten.</summary>
    public static List<CellValue> WithTypo(IReadOnlyList<CellValue> cells, string section, string row)
    {
        var list = cells.ToList();
        var i = list.FindIndex(c => c.Section == section && c.Row == row && c.Column == "3");
        var v = int.Parse(list[i].Value!, CultureInfo.InvariantCulture);
        list[i] = list[i] with { Value = N(v + 10) };
        return list;
    }
}
