using Platform.Cases.Briefing;
using Platform.Cases.CaseFiles;
using Platform.Cases.Contacts;
using Platform.Cases.Coverage;
using Platform.Cases.Documents;
using Platform.Cases.Medical;
using Platform.Cases.Repatriation;
using Platform.Cases.Settlement;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;
using Platform.Cases.Webhooks;
using Platform.Messaging;

namespace Platform.Cases;

public static class CasesExtensions
{
    public static IHostApplicationBuilder AddCasesServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres("casesdb", typeof(CasesExtensions).Assembly);
        builder.AddRedis("redis");
        builder.Services.AddGatewayIdentity();
        builder.AddMessaging(bus =>
        {
            bus.AddPlatformConsumer<AppealRegisteredConsumer>();
            bus.AddPlatformConsumer<AppealHandledConsumer>();
            bus.AddCoverageConsumers();
            bus.AddRepatriationConsumers();
        });
        builder.AddDocuments();
        builder.AddCoverage();
        builder.AddWebhooks();
        builder.AddContactMessages();
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddOptions<AssistanceOptions>().BindConfiguration("Assistance");
        builder.Services.AddSingleton<CaseBriefings>();
        builder.Services.AddCaseTasks();
        return builder;
    }

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        app.MapCasesFileApi();
        app.MapTimelineApi();
        app.MapTasksApi();
        app.MapCaseLifecycleApi();
        app.MapCaseContactsApi();
        app.MapContactMessagesApi();
        app.MapSettlementPlanApi();
        app.MapMedicalDetailsApi();
        app.MapCaseBriefingApi();
        app.MapDocumentsApi();
        app.MapCoverageApi();
        app.MapWebhooksApi();
        return app;
    }
}
