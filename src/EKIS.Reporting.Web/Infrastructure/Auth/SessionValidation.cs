using EKIS.Reporting.Features.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace EKIS.Reporting.Web.Infrastructure.Auth;

/// <summary>
/// Runs on every request that carries the cookie: the person must still be active with the same
/// security stamp, the session not ended by signing out, and the chosen assignment still active.
/// Otherwise the cookie is dropped at once (deactivation, a password change elsewhere, signing out,
/// a terminated role).
/// </summary>
public static class SessionValidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal;
        var userId = user?.GetLong(EkisClaims.UserId);
        var stamp = user?.GetStamp();
        var session = user?.GetSession();
        var sessions = context.HttpContext.RequestServices.GetRequiredService<Sessions>();
        var ct = context.HttpContext.RequestAborted;
        if (userId is null || stamp is null || session is null)
        {
            await RejectAsync(context);
            return;
        }

        var assignmentId = user!.GetLong(EkisClaims.AssignmentId);
        if (assignmentId is null)
        {
            if (!await sessions.IsCurrentAsync(userId.Value, stamp.Value, session.Value, ct)) await RejectAsync(context);
            return;
        }

        var scope = await sessions.ValidateAsync(userId.Value, stamp.Value, session.Value, assignmentId.Value, ct);
        if (scope is null)
        {
            await RejectAsync(context);
            return;
        }
        context.HttpContext.Items[CurrentScope.ItemKey] = scope;
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
