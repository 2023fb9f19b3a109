using Platform.Cases.Briefing;
using Platform.Cases.CaseFiles;
using Platform.Cases.Contacts;
using Platform.Cases.Medical;
using Platform.Cases.Settlement;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;
using Platform.Messaging;

namespace Platform.Cases;

public static class CasesExtensions
{
    public static IHostApplicationBuilder AddCasesServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres("casesdb", typeof(CasesExtensions).Assembly);
        builder.AddRedis("redis");
        builder.Services.AddGatewayIdentity();
        builder.AddMessaging(bus => bus.AddPlatformConsumer<AppealRegisteredConsumer>());
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddSingleton<CaseBriefings>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        app.MapCasesFileApi();
        app.MapTimelineApi();
        app.MapCaseLifecycleApi();
        app.MapCaseContactsApi();
        app.MapSettlementPlanApi();
        app.MapMedicalDetailsApi();
        app.MapCaseBriefingApi();
        return app;
    }
}
