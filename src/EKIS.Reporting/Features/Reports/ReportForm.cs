using System.Globalization;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Infrastructure.Time;
using EKIS.Reporting.Templates.Model;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// Everything the entry page and the printable view show of one report, read in one go: the head,
/// its template, title, values, the repeatable-row instances, what the signed-in person may do,
/// the last return comment, explanations, cell comments, and — for a corrected version — the
/// values of the previous (regionally accepted) version to show what changed since acceptance.
/// </summary>
public sealed class ReportForm(NpgsqlDataSource db, RegionClock clock)
{
    public sealed record Instance(string Section, string Row, string? S1, string? S2, string? S3);

    public sealed record Note(string Status, string? Comment, DateTime At, string Who);

    public sealed record Result(
        ReportHead Head,
        FormTemplate Template,
        string OrgUnitName,
        string FormTitle,
        IReadOnlyDictionary<string, string> Title,
        IReadOnlyDictionary<string, string> Values,
        IReadOnlyDictionary<string, string>? Previous,
        IReadOnlyList<Instance> Instances,
        IReadOnlyDictionary<string, string> Explanations,
        IReadOnlyList<ReportNotes.CellComment> Comments,
        bool CanFill,
        bool CanSubmit,
        string? ReadOnlyReason,
        Note? LastNote,
        DateOnly LastDay)
    {
        /// <summary>A school person looking at their own report (not a reviewer).</summary>
        public bool IsRespondent { get; init; }

        /// <summary>The title block's fields: what the page shows, what a school may type and how long (<see cref="TitleFields"/>).</summary>
        public IReadOnlyList<TitleFields.Field> TitleBlock { get; init; } = [];

        /// <summary>No later version of this report exists (only the newest one is reviewed or corrected).</summary>
        public bool IsNewest { get; init; } = true;

        /// <summary>The period as the template's s_time dictionary names it («ноябрь», «За год»), else its code.</summary>
        public string PeriodTitle => Template.Dictionary("s_time")?.Terms.FirstOrDefault(t => Codes.Same(t.Id, Head.Period))?.Text ?? Head.Period;

        public string? Value(string section, string row, string column, string? s1 = null, string? s2 = null, string? s3 = null) =>
            Values.TryGetValue(CellKey(section, row, column, s1, s2, s3), out var v) ? v : null;
    }

    /// <summary>The key of one cell address: codes compared as the template compares them (01 = 1).</summary>
    public static string CellKey(string section, string row, string column, string? s1 = null, string? s2 = null, string? s3 = null) =>
        $"{Codes.Key(section)}|{Codes.Key(row)}|{Codes.Key(column)}|{s1}|{s2}|{s3}";

    private sealed record Stored(string Section, string Row, string Column, string? S1, string? S2, string? S3, string? Value);

    public async Task<Result?> GetAsync(AccessScope scope, long reportId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var head = await ReportAccess.GetAsync(conn, null, scope, reportId, forUpdate: false, ct);
        if (head is null) return null;
        var template = await TemplateCache.GetAsync(conn, head.TemplateVersionId, head.TemplateLoadedAt, null, ct);

        using var multi = await conn.QueryMultipleAsync(new CommandDefinition("""
            SELECT coalesce(u.short_name, u.name) AS Name FROM ekis.org_unit u WHERE u.id = @OrgUnitId;
            SELECT t.title FROM ekis.template_version t WHERE t.id = @TemplateVersionId;
            SELECT c.section, c.row_code AS Row, c.column_code AS Column, c.s1, c.s2, c.s3, coalesce(v.value::text, v.text_value) AS Value
            FROM ekis.report_value v JOIN ekis.template_cell c ON c.cell_id = v.cell_id WHERE v.report_id = @Id;
            SELECT c.section, c.row_code AS Row, c.column_code AS Column, c.s1, c.s2, c.s3, coalesce(v.value::text, v.text_value) AS Value
            FROM ekis.report p JOIN ekis.report_value v ON v.report_id = p.id JOIN ekis.template_cell c ON c.cell_id = v.cell_id
            WHERE p.campaign_id = @CampaignId AND p.org_unit_id = @OrgUnitId AND p.version = @Version - 1;
            SELECT t.to_status AS Status, t.comment, t.at, ekis.actor_name(t.actor) AS Who
            FROM ekis.report_transition t
            WHERE t.report_id = @Id AND t.comment IS NOT NULL
              AND (t.to_status = ANY(@Returned) OR t.from_status IS NULL)
            ORDER BY t.at DESC, t.id DESC LIMIT 1;
            """, new { head.Id, head.OrgUnitId, head.TemplateVersionId, head.CampaignId, head.Version, Returned = ReportStatus.Returned.ToArray() }, cancellationToken: ct));
        var unitName = await multi.ReadSingleAsync<string>();
        var formTitle = await multi.ReadSingleAsync<string>();
        var values = (await multi.ReadAsync<Stored>()).ToList();
        var previous = (await multi.ReadAsync<Stored>()).ToList();
        var note = await multi.ReadSingleOrDefaultAsync<Note>();

        var explanations = await ReportNotes.ExplanationsAsync(conn, null, head.Id, ct);
        var comments = await ReportNotes.CommentsAsync(conn, null, head.Id, ct);

        // A reviewer reads; only the school is told why it may not edit.
        var canFill = scope.IsSchool && await ReportAccess.HasRightAsync(conn, null, scope, Rights.Fill, ct);
        var canSubmitRight = scope.IsSchool && await ReportAccess.HasRightAsync(conn, null, scope, Rights.Submit, ct);
        var problem = scope.IsSchool ? EditProblem.For(head, scope, canFill, clock.Today, EditIntent.Fill) : null;
        var reason = problem?.Message;
        var editable = scope.IsSchool && problem is null;

        var instances = values.Concat(comments.Select(c => new Stored(c.Section, c.Row, c.Column, c.S1, c.S2, c.S3, null)))
            .Where(v => v.S1 is not null || v.S2 is not null || v.S3 is not null)
            .Select(v => new Instance(Codes.Key(v.Section), Codes.Key(v.Row), v.S1, v.S2, v.S3))
            .Distinct()
            .OrderBy(i => i.S1, KeyOrder).ThenBy(i => i.S2, KeyOrder).ThenBy(i => i.S3, KeyOrder)
            .ToList();
        var titleBlock = TitleFields.Of(template, head.Registry);
        var title = TitleFields.Shown(titleBlock, head.Title, head.Registry);
        return new Result(head, template, unitName, formTitle, title,
            values.Where(v => v.Value is not null).ToDictionary(v => CellKey(v.Section, v.Row, v.Column, v.S1, v.S2, v.S3), v => v.Value!),
            head.Version > 1 ? previous.Where(v => v.Value is not null).ToDictionary(v => CellKey(v.Section, v.Row, v.Column, v.S1, v.S2, v.S3), v => v.Value!) : null,
            instances, explanations, comments, editable, editable && canSubmitRight, reason, note, head.LastDay)
        { IsRespondent = scope.IsSchool, TitleBlock = titleBlock, IsNewest = head.IsNewest };
    }

    /// <summary>Dictionary keys in their natural order: numeric ones by value (2 before 10), others as text.</summary>
    public static readonly IComparer<string?> KeyOrder = Comparer<string?>.Create((a, b) =>
    {
        if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
        if (Codes.IsNumeric(a) && Codes.IsNumeric(b)) return Codes.CompareNumeric(a, b);
        return string.Compare(a, b, StringComparison.Ordinal);
    });

    /// <summary>A stored number as Russian text: «1 234,5» (plain spaces, so it can be typed back).</summary>
    public static string Display(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return "";
        if (!decimal.TryParse(stored, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
            return stored;
        var negative = stored.StartsWith('-');
        var body = negative ? stored[1..] : stored;
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? body : body[..dot];
        var frac = dot < 0 ? "" : body[(dot + 1)..];
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < whole.Length; i++)
        {
            if (i > 0 && (whole.Length - i) % 3 == 0) sb.Append(' ');
            sb.Append(whole[i]);
        }
        return (negative ? "-" : "") + sb + (frac.Length > 0 ? "," + frac : "");
    }
}
