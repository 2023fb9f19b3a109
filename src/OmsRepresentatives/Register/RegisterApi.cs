namespace Platform.OmsRepresentatives.Register;

public static class RegisterApi
{
    public static IHostApplicationBuilder AddRegister(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapRegisterApi(this IEndpointRouteBuilder app) => app;
}
