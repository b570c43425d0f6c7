using System.Security.Claims;
using EKIS.Reporting.Infrastructure.Actors;

namespace EKIS.Reporting.Web.Infrastructure;

/// <summary>
/// The signed-in person of the current request. A request without one cannot author a change:
/// asking for its actor throws, so a page that writes must require sign-in.
/// </summary>
public sealed class HttpCurrentActor(IHttpContextAccessor http) : ICurrentActor
{
    public const string UserIdClaim = "ekis:user_id";

    public Actor Actor
    {
        get
        {
            var user = http.HttpContext?.User;
            var id = user?.FindFirstValue(UserIdClaim);
            if (user?.Identity?.IsAuthenticated == true && long.TryParse(id, out var userId))
                return Actor.User(userId, user.Identity.Name ?? id);
            throw new InvalidOperationException("This request has no signed-in person, so it cannot change data.");
        }
    }
}
