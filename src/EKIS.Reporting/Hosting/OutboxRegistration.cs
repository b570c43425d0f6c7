using EKIS.Reporting.Features.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EKIS.Reporting.Hosting;

public static class OutboxRegistration
{
    /// <summary>
    /// The outbox settings and its subscribers (<see cref="IOutboxSubscriber"/>, scoped: one per
    /// delivery job). Later issues add their subscribers here. Every host that runs jobs must have
    /// the same subscribers: a pump enqueues deliveries for its own list, any server may run them.
    /// </summary>
    public static IHostApplicationBuilder AddEkisOutbox(this IHostApplicationBuilder builder)
    {
        var options = OutboxOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        if (options.DiagnosticSubscribers)
        {
            builder.Services.AddScoped<IOutboxSubscriber, RecordingSubscriber>();
            builder.Services.AddScoped<IOutboxSubscriber, FailingSubscriber>();
            builder.Services.AddScoped<IOutboxSubscriber, SlowSubscriber>();
        }
        return builder;
    }
}
