using System.Net;
using EKIS.Reporting.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;

namespace EKIS.Reporting.Web.Infrastructure;

/// <summary>
/// Running behind a reverse proxy that ends TLS (section "Proxy"). Off by default: the demo listens
/// on loopback over plain HTTP, and a forwarded header from anyone else must never be believed.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>Believe X-Forwarded-For / X-Forwarded-Proto from the trusted proxies; cookies become Secure.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) and networks (<c>10.0.0.0/24</c>) of the proxies, separated by
    /// commas or spaces. Empty: only a proxy on this machine (loopback).
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    public static ProxyOptions From(IConfiguration config)
    {
        var o = new ProxyOptions();
        config.GetSection("Proxy").Bind(o);
        return o;
    }

    /// <summary>The trusted list, parsed; a wrong entry stops the start with one line saying which.</summary>
    public (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks) Parse()
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in TrustedProxies.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (!entry.Contains('/') && IPAddress.TryParse(entry, out var address)) proxies.Add(address);
            else throw new StartupException($"Proxy:TrustedProxies: «{entry}» is neither an IP address nor a network such as 10.0.0.0/24.");
        }
        return (proxies, networks);
    }
}

public static class ProxyRegistration
{
    public static IHostApplicationBuilder AddEkisProxy(this IHostApplicationBuilder builder)
    {
        var proxy = ProxyOptions.From(builder.Configuration);
        builder.Services.AddSingleton(proxy);
        if (!proxy.Enabled) return builder;

        var (proxies, networks) = proxy.Parse();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // No fixed hop count: the chain is walked back only while the hop it came from is trusted,
            // so an address a client writes into X-Forwarded-For itself is never taken.
            o.ForwardLimit = null;
            if (proxies.Count + networks.Count > 0)
            {
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
                foreach (var p in proxies) o.KnownProxies.Add(p);
                foreach (var n in networks) o.KnownIPNetworks.Add(n);
            }
        });
        // Behind TLS the session cookie travels over HTTPS only, whatever a single request's scheme
        // says. The antiforgery cookie stays "same as request" (Secure once the proxy forwards https):
        // with Always the framework refuses to render any form on a plain-HTTP request.
        builder.Services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme,
            o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        return builder;
    }

    /// <summary>
    /// The client's address and scheme as the proxy saw them, before anything reads them (the
    /// security log, cookies, request logging).
    /// </summary>
    public static WebApplication UseEkisProxy(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ProxyOptions>().Enabled)
            app.UseForwardedHeaders();
        return app;
    }
}
