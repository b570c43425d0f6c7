using System.Text.RegularExpressions;
using EKIS.Reporting.Infrastructure.Excel;
using C = EKIS.Reporting.Features.Registry.RegistryColumns;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Turns input rows into the organisations and branches to write, checking everything that can be
/// checked before writing: each field, the parent, identifiers, and uniqueness against both the
/// registry and the other rows. Used by the import (many rows) and by the card form (one row).
/// </summary>
internal static partial class RegistryPlanner
{
    /// <summary>A unit to insert or update, fields in canonical text form (null = empty).</summary>
    internal sealed record Planned(int Row, bool IsNew, string Level, IReadOnlyDictionary<string, string?> Fields, IReadOnlyList<string>? Groups)
    {
        public string Code => Fields[C.EkisCode]!;
        public string? ParentCode => Fields[C.ParentEkisCode];
        public string? MunicipalityCode { get; init; }
    }

    internal sealed record Plan(IReadOnlyList<RegistryProblem> Problems, IReadOnlyList<Planned> Units);

    private const int MaxValueLength = 2000;

    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z._/-]{0,39}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[0-9+()\-\s.,;доб]*$")]
    private static partial Regex PhonePattern();

    public static Plan Build(IReadOnlyList<RegistryRow> rows, RegistrySnapshot snapshot)
    {
        var problems = new List<RegistryProblem>();
        var planned = new List<Planned>();
        var firstRowOfCode = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var row in rows)
        {
            var rowProblems = new List<RegistryProblem>();
            var refused = new HashSet<string>(StringComparer.Ordinal);
            // One message per cell: a refused value is not reported again as, say, a missing one.
            void Problem(string column, string message)
            {
                if (!refused.Contains(column)) rowProblems.Add(new RegistryProblem(row.RowNumber, column, message));
            }

            var code = row.Values.GetValueOrDefault(C.EkisCode)?.Trim() ?? "";
            if (code.Length == 0)
            {
                problems.Add(new RegistryProblem(row.RowNumber, C.EkisCode, "Не указан код ЕКИС."));
                continue;
            }
            if (!CodePattern().IsMatch(code))
            {
                problems.Add(new RegistryProblem(row.RowNumber, C.EkisCode,
                    $"Код ЕКИС «{Shorten(code)}» недопустим: до 40 латинских букв, цифр и знаков «.», «_», «-», «/», начиная с буквы или цифры."));
                continue;
            }
            if (firstRowOfCode.TryGetValue(code, out var first))
            {
                problems.Add(new RegistryProblem(row.RowNumber, C.EkisCode, $"Код ЕКИС «{code}» повторяется в файле: он уже указан в строке {first}."));
                continue;
            }
            firstRowOfCode[code] = row.RowNumber;

            snapshot.ByCode.TryGetValue(code, out var existing);
            if (existing is { Level: "region" or "municipality" })
            {
                problems.Add(new RegistryProblem(row.RowNumber, C.EkisCode,
                    $"Код ЕКИС «{code}» принадлежит {(existing.Level == "region" ? "региону" : "муниципальному образованию")}: здесь загружаются только организации и филиалы."));
                continue;
            }

            // The card after this row: the existing card with the row's columns laid over it.
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var c in C.All) fields[c.Name] = existing?.Fields[c.Name];
            foreach (var (column, raw) in row.Values)
            {
                var value = raw.Trim();
                if (HostileProblem(value) is { } hostile)
                {
                    Problem(column, hostile);
                    refused.Add(column);
                    continue;
                }
                fields[column] = value.Length == 0 ? null : value;
            }
            fields[C.EkisCode] = code;
            // A row that names only a municipality makes the unit an organisation under it.
            if (row.Values.ContainsKey(C.Municipality) && !row.Values.ContainsKey(C.ParentEkisCode) && fields[C.Municipality] is not null && existing is { Level: "organisation" })
                fields[C.ParentEkisCode] = null;

            CheckFields(fields, existing is null, Problem);

            var level = fields[C.ParentEkisCode] is null ? "organisation" : "branch";
            IReadOnlyList<string>? groups = null;
            if (row.Values.ContainsKey(C.Groups))
            {
                groups = SplitList(fields[C.Groups]);
                foreach (var g in groups.Where(g => !snapshot.GroupCodes.Contains(g)))
                    Problem(C.Groups, $"Группа «{Shorten(g)}» не найдена: сначала создайте её в реестре групп.");
            }
            problems.AddRange(rowProblems);
            planned.Add(new Planned(row.RowNumber, existing is null, level, fields, groups));
        }

        planned = ResolveParents(planned, snapshot, problems);
        CheckUniqueness(planned, snapshot, problems);
        return new Plan(
            problems.OrderBy(p => p.Row ?? 0).ThenBy(p => ColumnOrder(p.Column)).ToList(),
            planned.OrderBy(p => p.Level == "branch").ThenBy(p => p.Row).ToList());
    }

    private static void CheckFields(Dictionary<string, string?> f, bool isNew, Action<string, string> problem)
    {
        if (f[C.Name] is null) problem(C.Name, "Не указано полное наименование.");
        foreach (var (column, value) in f)
            if (value is { Length: > MaxValueLength })
                problem(column, $"Значение длиннее {MaxValueLength} символов.");

        if (f[C.Kind] is null)
            problem(C.Kind, isNew ? "Не указан вид организации." : "Вид организации не может быть пустым.");
        else if (C.ParseKind(f[C.Kind]!) is { } kind) f[C.Kind] = kind;
        else problem(C.Kind, $"Неизвестный вид «{Shorten(f[C.Kind]!)}». Допустимы: {C.Describe(C.Kinds)}.");

        if (f[C.LegalStatus] is { } ls)
        {
            if (C.ParseLegalStatus(ls) is { } key) f[C.LegalStatus] = key;
            else problem(C.LegalStatus, $"Неизвестный правовой статус «{Shorten(ls)}». Допустимы: {C.Describe(C.LegalStatuses)}.");
        }

        if (f[C.Status] is { } st)
        {
            if (C.ParseStatus(st) is { } key) f[C.Status] = key;
            else problem(C.Status, $"Неизвестный статус «{Shorten(st)}». Допустимы: {C.Describe(C.Statuses)}.");
        }
        else f[C.Status] = "active";

        if (f[C.Urban] is { } u)
        {
            if (C.ParseUrban(u) is { } urban) f[C.Urban] = urban ? "urban" : "rural";
            else problem(C.Urban, $"Не удалось понять «{Shorten(u)}»: укажите «городская» или «сельская» (urban / rural).");
        }

        DateOnly? opened = null, closed = null;
        if (f[C.OpenedOn] is { } o)
        {
            opened = C.ParseDate(o);
            if (opened is null) problem(C.OpenedOn, $"Дата «{Shorten(o)}» не распознана: укажите ДД.ММ.ГГГГ или ГГГГ-ММ-ДД.");
            else f[C.OpenedOn] = C.FormatDate(opened.Value);
        }
        if (f[C.ClosedOn] is { } cl)
        {
            closed = C.ParseDate(cl);
            if (closed is null) problem(C.ClosedOn, $"Дата «{Shorten(cl)}» не распознана: укажите ДД.ММ.ГГГГ или ГГГГ-ММ-ДД.");
            else f[C.ClosedOn] = C.FormatDate(closed.Value);
        }
        if (opened is { } a && closed is { } b && b < a)
            problem(C.ClosedOn, "Дата закрытия раньше даты открытия.");
        if (f[C.Status] == "closed" && f[C.ClosedOn] is null)
            problem(C.ClosedOn, "У закрытой организации должна быть указана дата закрытия.");
        if (f[C.Status] is "active" or "reorganising" && f[C.ClosedOn] is not null && closed is not null)
            problem(C.Status, "Указана дата закрытия, а статус — не «закрыта».");

        Check(f, C.Inn, Identifiers.CheckOrganisationInn, problem);
        Check(f, C.Kpp, Identifiers.CheckKpp, problem);
        Check(f, C.Ogrn, Identifiers.CheckOgrn, problem);
        Check(f, C.Okpo, Identifiers.CheckOkpo, problem);
        Check(f, C.Oktmo, Identifiers.CheckOktmo, problem);
        Check(f, C.Okfs, Identifiers.CheckOkfs, problem);
        Check(f, C.Okopf, Identifiers.CheckOkopf, problem);

        if (f[C.Email] is { } email && !EmailPattern().IsMatch(email))
            problem(C.Email, $"Адрес электронной почты «{Shorten(email)}» записан неверно.");
        if (f[C.Phone] is { } phone && !PhonePattern().IsMatch(phone))
            problem(C.Phone, $"Телефон «{Shorten(phone)}» содержит недопустимые символы: допускаются цифры, пробелы, «+», «-», скобки и «доб.».");
    }

    private static void Check(Dictionary<string, string?> f, string column, Func<string, string?> check, Action<string, string> problem)
    {
        if (f[column] is { } v && check(v) is { } message)
            problem(column, message);
    }

    /// <summary>Parents, municipalities, levels and the branch's inherited identifiers.</summary>
    private static List<Planned> ResolveParents(List<Planned> planned, RegistrySnapshot snapshot, List<RegistryProblem> problems)
    {
        var inFile = planned.ToDictionary(p => p.Code, StringComparer.Ordinal);
        var result = new List<Planned>(planned.Count);
        foreach (var p in planned)
        {
            var f = (Dictionary<string, string?>)p.Fields;
            void Problem(string column, string message) => problems.Add(new RegistryProblem(p.Row, column, message));
            string? municipality = null;

            if (f[C.Municipality] is { } m)
            {
                var matches = snapshot.MunicipalitiesMatching(m);
                if (matches.Count == 1) municipality = matches[0].Fields[C.EkisCode];
                else if (matches.Count == 0) Problem(C.Municipality, $"Муниципальное образование «{Shorten(m)}» не найдено: укажите его код ЕКИС или наименование из реестра.");
                else Problem(C.Municipality, $"Наименованию «{Shorten(m)}» соответствует несколько муниципальных образований: укажите код ЕКИС.");
            }

            if (p.Level == "branch")
            {
                var parentCode = p.ParentCode!;
                Dictionary<string, string?>? parentFields = null;
                string? parentLevel = null;
                if (parentCode == p.Code)
                    Problem(C.ParentEkisCode, "Организация не может быть головной сама для себя: получился бы цикл.");
                else if (inFile.TryGetValue(parentCode, out var parentRow))
                    (parentFields, parentLevel) = ((Dictionary<string, string?>)parentRow.Fields, parentRow.Level);
                else if (snapshot.ByCode.TryGetValue(parentCode, out var parentUnit))
                    (parentFields, parentLevel) = (parentUnit.Fields, parentUnit.Level);
                else
                    Problem(C.ParentEkisCode, $"Головная организация с кодом ЕКИС «{Shorten(parentCode)}» не найдена ни в реестре, ни в файле.");

                if (parentLevel is "branch")
                    Problem(C.ParentEkisCode, $"«{parentCode}» — сам филиал: филиал подчиняется только организации (иначе получился бы цикл или лишний уровень).");
                else if (parentLevel is "municipality" or "region")
                    Problem(C.ParentEkisCode, $"«{parentCode}» — муниципальное образование, а не организация: укажите его в столбце municipality.");
                else if (parentFields is not null)
                {
                    var parentMunicipality = parentFields[C.Municipality];
                    if (inFile.ContainsKey(parentCode) && parentMunicipality is not null)
                        parentMunicipality = snapshot.MunicipalitiesMatching(parentMunicipality).FirstOrDefault()?.Fields[C.EkisCode];
                    if (municipality is not null && parentMunicipality is not null && municipality != parentMunicipality)
                        Problem(C.Municipality, $"Филиал относится к муниципальному образованию своей головной организации «{parentCode}», а указано другое.");
                    municipality = parentMunicipality;

                    // A branch shares its parent's ИНН and ОГРН.
                    foreach (var (column, title) in new[] { (C.Inn, "ИНН"), (C.Ogrn, "ОГРН") })
                    {
                        if (f[column] is null) f[column] = parentFields[column];
                        else if (parentFields[column] is { } parentValue && parentValue != f[column])
                            Problem(column, $"{title} филиала должен совпадать с {title} головной организации «{parentCode}» ({parentValue}).");
                    }
                }
                f[C.LegalStatus] ??= "branch";
                if (f[C.LegalStatus] == "legal_entity")
                    Problem(C.LegalStatus, "Подразделение, подчинённое организации, — филиал или структурное подразделение, а не юридическое лицо.");
                if (!p.IsNew && snapshot.ByCode[p.Code].Level == "organisation" && snapshot.ParentsWithChildren.Contains(p.Code))
                    Problem(C.ParentEkisCode, "У этой организации есть филиалы: её нельзя сделать филиалом другой организации.");
            }
            else
            {
                if (f[C.Municipality] is null)
                    Problem(C.Municipality, "Укажите муниципальное образование (municipality) или код головной организации (parent_ekis_code).");
                f[C.LegalStatus] ??= "legal_entity";
                if (f[C.LegalStatus] != "legal_entity" && C.LegalStatuses.ContainsKey(f[C.LegalStatus]!))
                    Problem(C.LegalStatus, "Филиал или структурное подразделение должны иметь головную организацию (parent_ekis_code).");
            }
            result.Add(p with { MunicipalityCode = municipality });
        }
        return result;
    }

    private static void CheckUniqueness(List<Planned> planned, RegistrySnapshot snapshot, List<RegistryProblem> problems)
    {
        // The registry after the change: existing units, replaced by the planned ones.
        var final = snapshot.Units
            .Where(u => u.Level is "organisation" or "branch")
            .ToDictionary(u => u.Fields[C.EkisCode]!, u => (Row: (int?)null, Fields: (IReadOnlyDictionary<string, string?>)u.Fields), StringComparer.Ordinal);
        foreach (var p in planned) final[p.Code] = (p.Row, p.Fields);

        void Report(string column, string label, Func<IReadOnlyDictionary<string, string?>, string?> key)
        {
            foreach (var group in final.Where(kv => key(kv.Value.Fields) is not null).GroupBy(kv => key(kv.Value.Fields)!, StringComparer.Ordinal))
            {
                var holders = group.ToList();
                if (holders.Count < 2) continue;
                foreach (var holder in holders.Where(h => h.Value.Row is not null))
                {
                    var others = holders.Where(h => h.Key != holder.Key)
                        .Select(h => h.Value.Row is { } r ? $"строка {r} файла (код {h.Key})" : $"организация {h.Key} «{Shorten(h.Value.Fields[C.ShortName] ?? h.Value.Fields[C.Name] ?? "", 60)}» в реестре");
                    problems.Add(new RegistryProblem(holder.Value.Row, column, $"{label} {group.Key} уже используется: {string.Join("; ", others)}."));
                }
            }
        }

        Report(C.Kpp, "Пара ИНН + КПП", f =>
            f[C.LegalStatus] is "legal_entity" or "branch" && f[C.Inn] is { } inn && f[C.Kpp] is { } kpp ? $"{inn}/{kpp}" : null);
        Report(C.Okpo, "ОКПО", f => f[C.Okpo]);
    }

    /// <summary>
    /// Formula-like and control-character values are refused (they are how spreadsheet attacks start): a
    /// registry value is shown, exported and edited in spreadsheets, so it is flagged here, with the row,
    /// rather than stored for a spreadsheet to run later. The rule is <see cref="ExcelText.RefusedOnImport"/>.
    /// </summary>
    internal static string? HostileProblem(string value)
    {
        if (ExcelText.RefusedOnImport(value))
            return $"Значение «{Shorten(value, 40)}» начинается с «{value[0]}»: Excel и LibreOffice могут выполнить его как формулу, " +
                "поэтому такие значения не загружаются. Уберите этот знак в начале значения (номер телефона вида «+7 …» допустим).";
        foreach (var ch in value)
            if (char.IsControl(ch))
                return "Значение содержит управляющие символы (перевод строки, табуляцию и т. п.): удалите их.";
        return null;
    }

    internal static IReadOnlyList<string> SplitList(string? value) =>
        value is null ? [] : value.Split([',', '|', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static int ColumnOrder(string? column)
    {
        if (column is null) return -1;
        for (var i = 0; i < C.All.Count; i++)
            if (C.All[i].Name == column) return i;
        return int.MaxValue;
    }

    internal static string Shorten(string value, int max = 80) => value.Length <= max ? value : string.Concat(value.AsSpan(0, max), "…");
}
