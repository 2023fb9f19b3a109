using Platform.ClinicNetwork.Clinics;
using Platform.ClinicNetwork.Guarantees;
using Platform.Messaging;

namespace Platform.ClinicNetwork;

public static class ClinicNetworkExtensions
{
    public static IHostApplicationBuilder AddClinicNetworkServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres("clinicsdb", typeof(ClinicNetworkExtensions).Assembly);
        builder.AddRedis("redis");
        builder.Services.AddGatewayIdentity();
        builder.AddMessaging(bus =>
        {
            bus.AddPlatformConsumer<CaseCoverageChangedConsumer>();
            bus.AddPlatformConsumer<InvoiceAdjudicatedConsumer>();
        });
        builder.Services.AddSingleton<ClinicStore>();
        builder.AddGuarantees();
        return builder;
    }

    public static IEndpointRouteBuilder MapClinicNetworkApi(this IEndpointRouteBuilder app)
    {
        app.MapClinicsApi();
        app.MapGuaranteesApi();
        return app;
    }
}
