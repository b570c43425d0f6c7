using System.Collections.Concurrent;
using Dapper;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>
/// The registry of loaded template versions: loading a file stores its XML and the cell dictionary of
/// its fixed rows (section × F row × Z column → a small integer cell id); reports are then checked by
/// exactly that stored version.
/// </summary>
public sealed class TemplateVersions(NpgsqlDataSource db)
{
    public sealed record Loaded(long Id, string Code, string Version, string Title, bool Created, int Cells);

    public sealed record Row(long Id, string Code, string Version, string Title, int Periodicity, string? FileName, DateTime LoadedAt);

    /// <summary>Loads a template; loading the same (code, version) again with the same XML is a no-op, with other XML an error.</summary>
    public async Task<Loaded> LoadAsync(Actor actor, string fileName, string xml, CancellationToken ct = default)
    {
        var template = TemplateXml.LoadString(xml);
        await using var tx = await db.BeginAsAsync(actor, ct);
        var c = tx.Connection;
        await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('ekis.template_version'))", transaction: tx.Transaction, cancellationToken: ct));
        var existing = await c.QuerySingleOrDefaultAsync<(long Id, string Xml)?>(new CommandDefinition(
            "SELECT id, xml FROM ekis.template_version WHERE code = @Code AND version = @Version",
            new { template.Code, template.Version }, tx.Transaction, cancellationToken: ct));
        if (existing is { } e)
        {
            if (e.Xml != xml)
                throw new InvalidOperationException($"Шаблон {template.Code} версии «{template.Version}» уже загружен с другим содержимым; новую редакцию формы загружайте как новую версию.");
            return new Loaded(e.Id, template.Code, template.Version, template.Header.Name, false, 0);
        }
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO ekis.template_version (code, version, title, periodicity, file_name, xml)
            VALUES (@Code, @Version, @title, @periodicity, @fileName, @xml) RETURNING id
            """, new { template.Code, template.Version, title = template.Header.Name, periodicity = template.Header.Periodicity, fileName, xml },
            tx.Transaction, cancellationToken: ct));
        var cells = FixedCells(template).ToList();
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ekis.template_cell (template_version_id, section, row_code, column_code)
            SELECT @id, s, r, col FROM unnest(@sections, @rows, @columns) AS t (s, r, col)
            """, new { id, sections = cells.Select(x => x.Section).ToArray(), rows = cells.Select(x => x.Row).ToArray(), columns = cells.Select(x => x.Column).ToArray() },
            tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new Loaded(id, template.Code, template.Version, template.Header.Name, true, cells.Count);
    }

    public async Task<IReadOnlyList<Row>> ListAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition("""
            SELECT id, code, version, title, periodicity, file_name AS FileName, loaded_at AS LoadedAt
            FROM ekis.template_version ORDER BY code, loaded_at
            """, cancellationToken: ct));
        return rows.ToList();
    }

    private static IEnumerable<(string Section, string Row, string Column)> FixedCells(FormTemplate t) =>
        from s in t.Sections
        from r in s.Rows.Where(r => r.Type == RowType.F)
        from col in s.Columns.Where(col => col.Type == ColumnType.Z)
        select (s.Code, r.Code, col.Code);
}

/// <summary>
/// Parsed template versions by id: a stored version never changes (<see cref="TemplateVersions.LoadAsync"/>
/// refuses a (code, version) with other content, and nothing updates or deletes the row), so it is
/// parsed (and its controls compiled) once per process.
/// </summary>
public static class TemplateCache
{
    // Keyed by id and load time: ids restart when a test database is emptied, load times do not repeat.
    private static readonly ConcurrentDictionary<(long, DateTime), FormTemplate> Templates = new();

    public static async Task<FormTemplate> GetAsync(NpgsqlConnection conn, long templateVersionId, NpgsqlTransaction? tx = null, CancellationToken ct = default)
    {
        var loadedAt = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT loaded_at FROM ekis.template_version WHERE id = @templateVersionId", new { templateVersionId }, tx, cancellationToken: ct))
            ?? throw new InvalidOperationException($"template version {templateVersionId} not found");
        return await GetAsync(conn, templateVersionId, loadedAt, tx, ct);
    }

    /// <summary>
    /// With the load time already read (the report head carries it): no round trip unless this process
    /// has not parsed the version yet.
    /// </summary>
    public static async Task<FormTemplate> GetAsync(NpgsqlConnection conn, long templateVersionId, DateTime loadedAt, NpgsqlTransaction? tx = null, CancellationToken ct = default)
    {
        if (Templates.TryGetValue((templateVersionId, loadedAt), out var t)) return t;
        var xml = await conn.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT xml FROM ekis.template_version WHERE id = @templateVersionId AND loaded_at = @loadedAt",
            new { templateVersionId, loadedAt }, tx, cancellationToken: ct))
            ?? throw new InvalidOperationException($"template version {templateVersionId} loaded at {loadedAt:O} not found");
        return Templates.GetOrAdd((templateVersionId, loadedAt), _ => TemplateXml.LoadString(xml));
    }
}
