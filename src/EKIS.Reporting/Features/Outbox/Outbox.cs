using System.Text.Json;
using Dapper;
using Npgsql;

namespace EKIS.Reporting.Features.Outbox;

/// <summary>One event of <see cref="DomainEvents"/> as stored in <c>ekis.outbox_event</c>.</summary>
public sealed record OutboxEvent(
    long Id, string Kind, long? CampaignId, long? ReportId, long? OrgUnitId, string Payload, string Actor, DateTime OccurredAt)
{
    /// <summary>A field of the payload as text, or null.</summary>
    public string? PayloadText(string name)
    {
        using var doc = JsonDocument.Parse(Payload);
        return doc.RootElement.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;
    }
}

/// <summary>
/// The only way to append a domain event: inside the transaction of the change itself, so the event
/// exists exactly when the change does (a rollback takes both away).
/// </summary>
public static class Outbox
{
    /// <summary>Appends one event; the actor is the transaction's (<c>ekis.current_actor()</c>, set by <c>BeginAsAsync</c>).</summary>
    public static Task<long> AppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string kind,
        long? campaignId = null, long? reportId = null, long? orgUnitId = null, object? payload = null, CancellationToken ct = default)
    {
        if (!DomainEvents.All.Contains(kind))
            throw new ArgumentException($"'{kind}' is not in the DomainEvents catalogue.", nameof(kind));
        return conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO ekis.outbox_event (kind, campaign_id, report_id, org_unit_id, payload)
            VALUES (@kind, @campaignId, @reportId, @orgUnitId, @payload::jsonb) RETURNING id
            """, new { kind, campaignId, reportId, orgUnitId, payload = JsonSerializer.Serialize(payload ?? new { }, PayloadJson) }, tx, cancellationToken: ct));
    }

    private static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
