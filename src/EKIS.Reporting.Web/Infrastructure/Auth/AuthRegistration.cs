using EKIS.Reporting.Features.Access;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace EKIS.Reporting.Web.Infrastructure.Auth;

public static class AuthRegistration
{
    public static IHostApplicationBuilder AddEkisAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "ekis.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Secure whenever the request is HTTPS (production sits behind TLS); plain HTTP on loopback for the demo.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/Account/Login";
                o.LogoutPath = "/Account/Logout";
                o.AccessDeniedPath = "/Account/AccessDenied";
                o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
                // No session (none, expired, or rejected by SessionValidation): a page goes to the sign-in page,
                // a script's request gets 401 — fetch would follow the redirect and take the sign-in page for success.
                o.Events.OnRedirectToLogin = ctx =>
                {
                    if (JsonRequests.Expects(ctx.Request))
                        return JsonRequests.WriteAsync(ctx.Response, StatusCodes.Status401Unauthorized, JsonRequests.SignInAgain);
                    ctx.Response.Redirect(ctx.RedirectUri);
                    return Task.CompletedTask;
                };
                // A signed-in person without the right gets a plain 403 (rendered by the error page), not a redirect.
                o.Events.OnRedirectToAccessDenied = ctx =>
                {
                    if (JsonRequests.Expects(ctx.Request))
                        return JsonRequests.WriteAsync(ctx.Response, StatusCodes.Status403Forbidden, JsonRequests.NotAllowed);
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization(o =>
        {
            // Every page and endpoint requires a signed-in person unless it says [AllowAnonymous].
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            o.AddPolicy(Policies.RoleChosen, p => p.RequireAuthenticatedUser().RequireClaim(EkisClaims.AssignmentId));
            o.AddPolicy(Policies.Admin, p => p.RequireClaim(EkisClaims.Role, Roles.Admin));
            o.AddPolicy(Policies.ManageUsers, p => p.RequireClaim(EkisClaims.Role, Roles.Admin, Roles.RegionalAnalyst));
            o.AddPolicy(Policies.Director, p => p.RequireClaim(EkisClaims.Role, Roles.Director));
        });
        services.AddScoped<CurrentScope>();
        return builder;
    }
}

/// <summary>The Hangfire dashboard: administrators only (checked against the validated scope).</summary>
public sealed class AdminDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        return http.Items[CurrentScope.ItemKey] is AccessScope { IsAdmin: true };
    }
}

/// <summary>A signed-in person who has not chosen among several roles goes to the role picker first.</summary>
public sealed class RequireChosenRoleMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true
            && user.FindFirst(EkisClaims.AssignmentId) is null
            && !context.Request.Path.StartsWithSegments("/Account")
            && !context.Request.Path.StartsWithSegments("/health")
            && !context.Request.Path.StartsWithSegments("/Error"))
        {
            if (JsonRequests.Expects(context.Request))
                return JsonRequests.WriteAsync(context.Response, StatusCodes.Status403Forbidden, JsonRequests.ChooseRole);
            context.Response.Redirect("/Account/ChooseRole");
            return Task.CompletedTask;
        }
        return next(context);
    }
}
