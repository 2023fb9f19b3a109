using Platform.Messaging;
using Platform.Repatriation.Cases;

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
        return builder;
    }

    public static IEndpointRouteBuilder MapRepatriationApi(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
