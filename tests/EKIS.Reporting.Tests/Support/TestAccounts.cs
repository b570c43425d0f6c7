using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using EKIS.Reporting.Features.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace EKIS.Reporting.Tests.Support;

/// <summary>Accounts for tests: created straight in the database, signed in through the real login page.</summary>
public static partial class TestAccounts
{
    public const string Password = "Testing-2026";

    // PBKDF2 costs tens of milliseconds of CPU by design; the campaign kit makes seven accounts per test.
    // One hash of the shared test password serves them all (a salted hash verifies whoever holds it).
    private static readonly Lazy<string> PasswordHash = new(() => Passwords.Hash(Password));

    public sealed record Account(long UserId, long AssignmentId, string Login);

    public static async Task<long> UnitIdAsync(NpgsqlDataSource db, string ekisCode)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT id FROM ekis.org_unit WHERE ekis_code = @ekisCode", new { ekisCode });
    }

    /// <summary>A person with one active role (and, for employees, the given rights).</summary>
    public static async Task<Account> CreateAsync(NpgsqlDataSource db, string login, string role, long? unitId, string? email = null, params string[] rights)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("SELECT set_config('ekis.actor', 'system:tests', true)", transaction: tx);
        var userId = await conn.ExecuteScalarAsync<long>(
            "INSERT INTO ekis.app_user (login, full_name, email, password_hash) VALUES (@login, @name, @email, @hash) RETURNING id",
            new { login, name = "Тестовый " + login, email, hash = PasswordHash.Value }, tx);
        var assignmentId = await conn.ExecuteScalarAsync<long>(
            "INSERT INTO ekis.role_assignment (user_id, role, org_unit_id) VALUES (@userId, @role, @unitId) RETURNING id",
            new { userId, role, unitId }, tx);
        foreach (var right in rights)
            await conn.ExecuteAsync("INSERT INTO ekis.assignment_right (assignment_id, \"right\") VALUES (@assignmentId, @right)", new { assignmentId, right }, tx);
        await tx.CommitAsync();
        return new Account(userId, assignmentId, login);
    }

    public static HttpClient Client(WebApplicationFactory<Program> web) =>
        web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through /Account/Login (GET for the antiforgery token, then POST); returns the client holding the cookie.</summary>
    public static async Task<HttpClient> SignInAsync(WebApplicationFactory<Program> web, string login, string password = Password)
    {
        var client = Client(web);
        var response = await PostFormAsync(client, "/Account/Login", new() { ["login"] = login, ["password"] = password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"sign-in of {login}: " + await response.Content.ReadAsStringAsync());
        return client;
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string pagePath)
    {
        var html = await client.GetStringAsync(pagePath);
        var match = TokenPattern().Match(html);
        Assert.That(match.Success, Is.True, $"no antiforgery token on {pagePath}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>POSTs a form with a valid antiforgery token taken from <paramref name="tokenPage"/> (default: the same path).</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields, string? tokenPage = null)
    {
        var token = await AntiforgeryTokenAsync(client, tokenPage ?? path);
        fields["__RequestVerificationToken"] = token;
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
