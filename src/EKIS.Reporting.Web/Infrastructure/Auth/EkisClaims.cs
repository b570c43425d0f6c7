using System.Globalization;
using System.Security.Claims;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Accounts;

namespace EKIS.Reporting.Web.Infrastructure.Auth;

/// <summary>What the authentication cookie carries. Everything it vouches for is re-checked per request.</summary>
public static class EkisClaims
{
    public const string UserId = HttpCurrentActor.UserIdClaim;
    public const string Stamp = "ekis:stamp";
    public const string Session = "ekis:session";
    public const string AssignmentId = "ekis:assignment";
    public const string Role = "ekis:role";

    public static ClaimsPrincipal Principal(long userId, string login, string fullName, Guid stamp, Guid session, Sessions.Assignment? assignment)
    {
        var claims = new List<Claim>
        {
            new(UserId, userId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, fullName),
            new("ekis:login", login),
            new(Stamp, stamp.ToString()),
            new(Session, session.ToString()),
        };
        if (assignment is not null)
        {
            claims.Add(new Claim(AssignmentId, assignment.Id.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(Role, assignment.Role));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, Role));
    }

    public static long? GetLong(this ClaimsPrincipal user, string type) =>
        long.TryParse(user.FindFirstValue(type), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static Guid? GetStamp(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(Stamp), out var g) ? g : null;

    /// <summary>The server-side session (<c>ekis.user_session</c>) the cookie belongs to.</summary>
    public static Guid? GetSession(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(Session), out var g) ? g : null;
}

public static class Policies
{
    public const string RoleChosen = "role-chosen";
    public const string Admin = "admin";
    public const string ManageUsers = "manage-users";
    public const string Director = "director";
}

/// <summary>The request's <see cref="AccessScope"/>, validated against the database by <see cref="SessionValidation"/>.</summary>
public sealed class CurrentScope(IHttpContextAccessor http)
{
    internal const string ItemKey = "ekis:scope";

    public AccessScope? Scope => http.HttpContext?.Items[ItemKey] as AccessScope;

    public AccessScope Required => Scope ?? throw new InvalidOperationException("No active role in this request.");

    public string? ClientAddress => http.HttpContext?.Connection.RemoteIpAddress?.ToString();
}
