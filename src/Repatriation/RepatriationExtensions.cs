using Platform.Messaging;
using Platform.Repatriation.Bookings;
using Platform.Repatriation.Cases;
using Platform.Repatriation.Fitness;
using Platform.Repatriation.Plans;
using Platform.Repatriation.Providers;

namespace Platform.Repatriation;

public static class RepatriationExtensions
{
    public static IHostApplicationBuilder AddRepatriationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres("repatriationdb", typeof(RepatriationExtensions).Assembly);
        builder.AddRedis("redis");
        builder.Services.AddGatewayIdentity();
        builder.AddMessaging(bus =>
        {
            bus.AddPlatformConsumer<CaseCoverageChangedConsumer>();
            bus.AddPlatformConsumer<MedicalDetailsRecordedConsumer>();
        });
        builder.Services.AddOptions<RepatriationOptions>().BindConfiguration(RepatriationOptions.Section)
            .Validate(o => !o.Problems().Any(), "The Repatriation section is incomplete: set Repatriation:AssistanceName, AssistancePhone, " +
                "PublicBaseUrl, LinkSecret (32+ characters) and MailFrom.")
            .ValidateOnStart();
        builder.Services.AddHostedService<BookingMailSender>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRepatriationApi(this IEndpointRouteBuilder app)
    {
        app.MapFitnessApi();
        app.MapProvidersApi();
        app.MapPlansApi();
        app.MapBookingsApi();
        return app;
    }
}
