using Platform.ClinicNetwork.Clinics;
using Platform.ClinicNetwork.Guarantees;
using Platform.ClinicNetwork.Quality;
using Platform.ClinicNetwork.Register;
using Platform.ClinicNetwork.Search;
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
        builder.Services.AddSingleton<ClinicLoader>();
        builder.Services.AddSingleton<PriceStore>();
        builder.Services.AddSingleton<ClinicSearch>();
        builder.Services.AddSingleton<QualityStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapClinicNetworkApi(this IEndpointRouteBuilder app)
    {
        app.MapClinicsApi();
        app.MapGuaranteesApi();
        app.MapSearchApi();
        app.MapQualityApi();
        return app;
    }
}
