using Platform.Intake.Appeals;
using Platform.Intake.Policies;
using Platform.Messaging;

namespace Platform.Intake;

public static class IntakeExtensions
{
    public static IHostApplicationBuilder AddIntakeServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres("intakedb", typeof(IntakeExtensions).Assembly);
        builder.AddRedis("redis");
        builder.Services.AddGatewayIdentity();
        builder.AddMessaging(bus =>
        {
            bus.AddPlatformConsumer<CaseOpenedConsumer>();
            bus.AddPlatformConsumer<AppealAttachedToCaseConsumer>();
            bus.AddPlatformConsumer<CaseClosedConsumer>();
            bus.AddPlatformConsumer<SettlementPlanChangedConsumer>();
        });
        builder.Services.AddSingleton<AppealStore>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<IntakeSettingsStore>();
        builder.Services.AddPolicies();
        return builder;
    }

    public static IEndpointRouteBuilder MapIntakeApi(this IEndpointRouteBuilder app)
    {
        app.MapAppealsApi();
        app.MapIntakeSettingsApi();
        app.MapPoliciesApi();
        return app;
    }
}
