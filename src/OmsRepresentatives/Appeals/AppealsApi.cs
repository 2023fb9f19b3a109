namespace Platform.OmsRepresentatives.Appeals;

public static class AppealsApi
{
    public static IHostApplicationBuilder AddAppeals(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapAppealsApi(this IEndpointRouteBuilder app) => app;
}
