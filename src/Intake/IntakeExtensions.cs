using Platform.Intake.Appeals;
using Platform.Messaging;

namespace Platform.Intake;

public static class IntakeExtensions
{
    public static IHostApplicationBuilder AddIntakeServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres("intakedb", typeof(IntakeExtensions).Assembly);
        builder.AddRedis("redis");
        builder.Services.AddGatewayIdentity();
        builder.AddMessaging(bus => bus.AddConsumer<CaseOpenedConsumer>(typeof(CaseOpenedConsumerDefinition)));
        builder.Services.AddSingleton<AppealStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapIntakeApi(this IEndpointRouteBuilder app)
    {
        app.MapAppealsApi();
        return app;
    }
}
